// The assessment: six dimensions (delivery, encryption, authentication, sender policies,
// reputation, DNS integrity), each with a status and one sentence, read from the sender model
// and the findings; the headline that states the consequence for mail; and the severities of
// the findings aligned with what senders really do (docs/report.md, "assessment").
// Pure functions over a finished report.
#pragma once

#include <vector>

#include "checks/report/report.h"

namespace mxh::checks {

struct AssessmentFacts {
  bool probed = false;             // some port-25 probe was tried (not skipped)
  bool resolverUntrusted = false;  // the trust anchor's own key failed validation through the resolver
};

// `report`: findings (with their dimensions), senders, side checks and DNSSEC entries filled in.
Assessment assess(const Report& report, const AssessmentFacts& facts);

// A finding is never more severe than the dimension it belongs to: an expired certificate that
// no sender acts on is a warning, a dead primary MX with a working backup too. Applies to
// delivery, encryption, authentication and DNS integrity (the dimensions read from senders).
void alignSeverities(std::vector<Finding>& findings, const Assessment& assessment);

}  // namespace mxh::checks
