// api_client.cpp: out-of-line anchor for the ApiClient vtable.
#include "harness/client/api_client.h"

namespace ebsmock::harness {

ApiClient::~ApiClient() = default;

}  // namespace ebsmock::harness
