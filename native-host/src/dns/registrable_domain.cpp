#include "dns/registrable_domain.h"

#include <libpsl.h>

#include <memory>

namespace mxh::dns {
namespace {

struct PslFree {
  void operator()(psl_ctx_t* context) const { psl_free(context); }
};

// The newest list on this machine (Debian's publicsuffix package), or the one built into
// libpsl. Loaded once; libpsl contexts are safe to query from several threads.
const psl_ctx_t* publicSuffixList() {
  static const std::unique_ptr<psl_ctx_t, PslFree> latest(psl_latest(nullptr));
  return latest ? latest.get() : psl_builtin();
}

}  // namespace

Result<DomainName> registrableDomain(std::string_view host) {
  auto name = parseDomainName(host);
  if (!name) return name.error();
  const psl_ctx_t* list = publicSuffixList();
  if (list == nullptr) return Error{Errc::internal, "the public suffix list is not available"};
  // libpsl wants lower-case UTF-8; it knows both forms of international suffixes.
  const char* registrable = psl_registrable_domain(list, name->unicode.c_str());
  if (registrable == nullptr) {
    return Error{Errc::input_public_suffix,
                 "'" + name->unicode + "' is a public suffix, not a domain someone registered"};
  }
  // psl_registrable_domain points into the string it was given: the result is a suffix of it.
  const std::string_view unicode(registrable);
  return parseDomainName(unicode);
}

}  // namespace mxh::dns
