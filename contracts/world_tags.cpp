// world_tags.cpp: tags and resource groups of pairs and groups (ebs-groups.md §7) and the
// region lookups (§8). ResourceType is matched in any letter case and echoed in its
// canonical lowercase spelling (§10 #11). Choices where the documentation is silent are
// marked "Choice:" and listed in contracts/README.md.
#include <algorithm>

#include "contracts/paging.h"
#include "contracts/world.h"

namespace ebsmock::contracts {
namespace {

// ListTagResources has no page-size parameter: a fixed page, NextToken-style only
// (choice; Alibaba's tag APIs commonly page by 50).
constexpr std::size_t kTagPageSize = 50;

// The tags and resource group of one taggable resource.
struct Tagged {
  std::vector<Tag>* tags = nullptr;
  std::string* resource_group_id = nullptr;
};

// The resource `id` of `kind` visible in `region`, or nothing (a dedicatedblockstorage-
// cluster, not modelled, never exists).
Tagged find_tagged(PairMap& pairs, std::map<std::string, Group>& groups,
                   std::optional<ResourceKind> kind, const std::string& id,
                   const std::string& region) {
  if (kind == ResourceKind::Pair) {
    auto it = pairs.find(id);
    if (it != pairs.end() && visible_in_region(it->second, region)) {
      return {&it->second.tags, &it->second.resource_group_id};
    }
  } else if (kind == ResourceKind::Group) {
    auto it = groups.find(id);
    if (it != groups.end() && visible_in_region(it->second, region)) {
      return {&it->second.tags, &it->second.resource_group_id};
    }
  }
  return {};
}

// The request's ResourceType: canonical name and model kind, or the error for a missing
// or unknown one (validate_params catches both first; this keeps execute() safe without).
struct ResourceType {
  std::string_view canonical;
  std::optional<ResourceKind> kind;
  std::optional<ApiError> error;
};

ResourceType resource_type_of(const Params& params, const ErrorCatalogue& errors) {
  const std::string text = read_param(params, "ResourceType");
  if (text.empty()) return {{}, std::nullopt, errors.make(codes::kMissingParameterResourceType)};
  auto canonical = canonical_resource_type(text);
  if (!canonical) return {{}, std::nullopt, errors.make(codes::kInvalidResourceTypeNotFound)};
  return {*canonical, resource_kind_of_type(*canonical), std::nullopt};
}

// The tags of every ResourceId.N (all or nothing), or nothing when one is unknown.
std::optional<std::vector<std::vector<Tag>*>> tags_of_all(PairMap& pairs,
                                                          std::map<std::string, Group>& groups,
                                                          const ResourceType& type, const Params& params) {
  std::vector<std::vector<Tag>*> out;
  for (const auto& id : read_list(params, "ResourceId")) {
    Tagged t = find_tagged(pairs, groups, type.kind, id, read_param(params, "RegionId"));
    if (t.tags == nullptr) return std::nullopt;
    out.push_back(t.tags);
  }
  return out;
}

}  // namespace

Outcome World::tag_resources(const Params& params) {
  Outcome out;
  const auto type = resource_type_of(params, policy_->errors);
  const auto new_tags = read_tags(params);
  if (type.error || new_tags.empty()) {
    out.error = type.error ? *type.error : error(codes::kMissingParameter, "Tag.N");
    return out;
  }
  auto targets = tags_of_all(pairs_, groups_, type, params);
  if (!targets || targets->empty()) {
    out.error = targets ? error(codes::kMissingParameter, "ResourceId.N") : error(codes::kInvalidResourceIdNotFound);
    return out;
  }
  auto has_key = [](auto& tags, const std::string& key) {
    return std::find_if(tags.begin(), tags.end(), [&](const Tag& x) { return x.key == key; });
  };
  // All or nothing: every resource stays within the tag limit, or none is tagged.
  for (const auto* tags : *targets) {
    std::size_t count = tags->size();
    for (const auto& [key, value] : new_tags) count += has_key(*tags, key) == tags->end() ? 1 : 0;
    if (policy_->max_tags_per_resource > 0 && count > static_cast<std::size_t>(policy_->max_tags_per_resource)) {
      out.error = error(codes::kNumberExceedTags);
      return out;
    }
  }
  for (auto* tags : *targets) {
    for (const auto& [key, value] : new_tags) {
      if (auto it = has_key(*tags, key); it != tags->end()) {
        it->value = value;  // an existing key takes the new value
      } else {
        tags->push_back({key, value});
      }
    }
  }
  return out;
}

Outcome World::untag_resources(const Params& params) {
  Outcome out;
  const auto type = resource_type_of(params, policy_->errors);
  auto targets = type.error ? std::nullopt : tags_of_all(pairs_, groups_, type, params);
  if (!targets) {
    out.error = type.error ? *type.error : error(codes::kInvalidResourceIdNotFound);
    return out;
  }
  const auto keys = read_list(params, "TagKey", 20);
  // §7.2: All only when no TagKey.N is given. Choice: neither removes nothing.
  const bool all = keys.empty() && read_flag(params, "All", false);
  for (auto* tags : *targets) {
    std::erase_if(*tags, [&](const Tag& t) {
      return all || std::find(keys.begin(), keys.end(), t.key) != keys.end();
    });
  }
  return out;
}

Outcome World::list_tag_resources(const Params& params) const {
  Outcome out;
  const auto type = resource_type_of(params, policy_->errors);
  if (type.error) {
    out.error = type.error;
    return out;
  }
  const std::string region = read_param(params, "RegionId");
  const auto ids = read_list(params, "ResourceId");
  const auto filters = read_tags(params);
  if (ids.empty() && filters.empty()) {
    // §7.3: "At least one of ResourceId.N and Tag.N must be given."
    out.error = error(codes::kMissingParameter, "ResourceId.N");
    return out;
  }
  // (id, tags) of the resources asked for: ResourceId.N in N order, else every resource of
  // the type in the region, by id.
  std::vector<std::pair<std::string, const std::vector<Tag>*>> resources;
  auto lookup = [&](const std::string& id) -> const std::vector<Tag>* {
    if (type.kind == ResourceKind::Pair) {
      const Pair* p = find(id);
      return p != nullptr && visible_in_region(*p, region) ? &p->tags : nullptr;
    }
    if (type.kind == ResourceKind::Group) {
      const Group* g = find_group(id);
      return g != nullptr && visible_in_region(*g, region) ? &g->tags : nullptr;
    }
    return nullptr;
  };
  if (!ids.empty()) {
    for (const auto& id : ids) {
      const auto* tags = lookup(id);
      if (tags == nullptr) {
        out.error = error(codes::kInvalidResourceIdNotFound);
        return out;
      }
      resources.emplace_back(id, tags);
    }
  } else if (type.kind == ResourceKind::Pair) {
    for (const auto& [id, p] : pairs_) {
      if (visible_in_region(p, region)) resources.emplace_back(id, &p.tags);
    }
  } else if (type.kind == ResourceKind::Group) {
    for (const auto& [id, g] : groups_) {
      if (visible_in_region(g, region)) resources.emplace_back(id, &g.tags);
    }
  }
  // Choice: a resource matching every Tag.N filter is listed with all its tags.
  std::vector<nlohmann::json> rows;
  for (const auto& [id, tags] : resources) {
    if (!has_tags(*tags, filters)) continue;
    for (const Tag& t : *tags) {
      rows.push_back({{"ResourceId", id},
                      {"ResourceType", std::string(type.canonical)},
                      {"TagKey", t.key},
                      {"TagValue", t.value}});
    }
  }
  auto page = read_token_page(params, kTagPageSize);
  if (!page) {
    out.error = error(codes::kInvalidParameter, "NextToken");
    return out;
  }
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = page->offset; i < rows.size() && page->holds(i); ++i) items.push_back(rows[i]);
  out.body = {{"NextToken", page->next_token(rows.size())}, {"TagResources", std::move(items)}};
  return out;
}

Outcome World::change_resource_group(const Params& params) {
  Outcome out;
  const auto type = resource_type_of(params, policy_->errors);
  const std::string new_group = read_param(params, "NewResourceGroupId");
  if (type.error || new_group.empty()) {
    out.error = type.error ? *type.error : error(codes::kMissingParameterResourceGroup);
    return out;
  }
  Tagged t = find_tagged(pairs_, groups_, type.kind, read_param(params, "ResourceId"),
                         read_param(params, "RegionId"));
  if (t.resource_group_id == nullptr) {
    out.error = policy_->errors.make(codes::kInvalidResourceIdNotFound, {}, messages::kResourceIdNotFound);
    return out;
  }
  // Choice: resource groups are not modelled, so any NewResourceGroupId exists
  // (InvalidResourceGroup.NotFound is never answered).
  *t.resource_group_id = new_group;
  return out;
}

Outcome World::describe_regions(const Params& params) const {
  Outcome out;
  // §10 #9: no ResourceType means every type (a superset of T's default `ear`).
  const std::string type = read_param(params, "ResourceType");
  // zh-CN (the default) shows the Chinese names; en-US and ja the English ones (choice:
  // the table has no Japanese names).
  const bool chinese = read_param(params, "AcceptLanguage", "zh-CN") == "zh-CN";
  nlohmann::json regions = nlohmann::json::array();
  for (const RegionInfo& r : policy_->regions) {
    nlohmann::json zones = nlohmann::json::array();
    for (const ZoneInfo& z : r.zones) {
      if (!type.empty() &&
          std::find(z.resource_types.begin(), z.resource_types.end(), type) == z.resource_types.end()) {
        continue;
      }
      zones.push_back({{"LocalName", chinese ? z.local_name : z.english_name},
                       {"ZoneId", z.id},
                       {"ResourceTypes", z.resource_types}});
    }
    if (zones.empty()) continue;
    // RegionId is "the region of the caller"; Terraform filters on the client side, so
    // every region is listed (choice).
    regions.push_back({{"LocalName", chinese ? r.local_name : r.english_name},
                       {"RegionEndpoint", "ebs." + r.id + ".aliyuncs.com"},
                       {"RegionId", r.id},
                       {"Zones", zones}});
  }
  out.body = {{"Regions", regions}};
  return out;
}

Outcome World::list_replica_edges(const Params& params) const {
  Outcome out;
  const std::string region = read_param(params, "RegionId");
  const std::string azone = read_param(params, "Azone");
  auto source = std::find_if(policy_->regions.begin(), policy_->regions.end(),
                             [&](const RegionInfo& r) { return r.id == region; });
  if (source == policy_->regions.end() ||
      std::none_of(source->zones.begin(), source->zones.end(), [&](const ZoneInfo& z) { return z.id == azone; })) {
    out.error = error(codes::kInvalidParameter, source == policy_->regions.end() ? "RegionId" : "Azone");
    return out;
  }
  // Choice (§8.2, undocumented): every zone with async replication ("ear") is a
  // destination, except the source zone itself (same-region cross-zone is supported,
  // §10 #2).
  std::vector<nlohmann::json> supported;
  for (const RegionInfo& r : policy_->regions) {
    nlohmann::json zones = nlohmann::json::array();
    for (const ZoneInfo& z : r.zones) {
      if (z.id == azone) continue;
      if (std::find(z.resource_types.begin(), z.resource_types.end(), "ear") == z.resource_types.end()) continue;
      zones.push_back({{"ZoneId", z.id}});
    }
    if (!zones.empty()) supported.push_back({{"RegionId", r.id}, {"Zones", zones}});
  }
  auto page = read_token_page(params, 10);
  if (!page) {
    out.error = error(codes::kInvalidParameter, "NextToken");
    return out;
  }
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = page->offset; i < supported.size() && page->holds(i); ++i) {
    items.push_back(supported[i]);
  }
  out.body = {{"MaxResults", page->size},
              {"NextToken", page->next_token(supported.size())},
              {"SupportedRegions", std::move(items)}};
  return out;
}

}  // namespace ebsmock::contracts
