// regions.cpp: the default region table (see regions.h for what it is and is not).
#include "contracts/regions.h"

#include <cctype>

namespace ebsmock::contracts {

std::vector<RegionInfo> default_regions() {
  struct Row {
    const char* id;
    const char* local_name;
    const char* english_name;
    const char* zh_city;
    const char* en_city;
    const char* zone_letters;
  };
  static constexpr Row kRows[] = {
      {"cn-hangzhou", "华东1（杭州）", "China (Hangzhou)", "杭州", "Hangzhou", "ghij"},
      {"cn-shanghai", "华东2（上海）", "China (Shanghai)", "上海", "Shanghai", "ef"},
      {"cn-beijing", "华北2（北京）", "China (Beijing)", "北京", "Beijing", "fgh"},
      {"cn-shenzhen", "华南1（深圳）", "China (Shenzhen)", "深圳", "Shenzhen", "de"},
      {"cn-hongkong", "中国香港", "China (Hong Kong)", "香港", "Hong Kong", "bc"},
      {"ap-southeast-1", "新加坡", "Singapore", "新加坡", "Singapore", "bc"},
  };
  std::vector<RegionInfo> out;
  for (const Row& row : kRows) {
    RegionInfo r{row.id, row.local_name, row.english_name, {}};
    for (const char* c = row.zone_letters; *c != '\0'; ++c) {
      const std::string upper(1, static_cast<char>(std::toupper(static_cast<unsigned char>(*c))));
      ZoneInfo z{std::string(row.id) + "-" + *c, std::string(row.zh_city) + " 可用区" + upper,
                 std::string(row.en_city) + " Zone " + upper, {"ear", "lens"}};
      if (c == row.zone_letters) z.resource_types.push_back("dbsc");
      r.zones.push_back(std::move(z));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ebsmock::contracts
