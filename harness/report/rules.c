/* rules.c - one sentence per check id, for SARIF rules and report legends. */
#include "report/report.h"

#include <string.h>

/* Ids as checks.h lists them; a trailing '.' matches every id with that prefix. */
static const struct {
    const char *id;
    const char *text;
} rules[] = {
    {"transport.response", "A complete HTTP response arrives (else the transport error)."},
    {"response.size", "Body and headers stay within their bounds."},
    {"latency.budget", "The response arrives within the contract's latency budget."},
    {"content-type", "The response carries the contract's media type."},
    {"headers.required", "Every header the contract requires is present."},
    {"json.valid", "The body is one complete JSON value."},
    {"envelope.kind", "The body is a success or an error envelope of the contract."},
    {"envelope.shape", "The body matches the contract's success or error schema."},
    {"status.success", "A success answer has the documented success status."},
    {"error.code-present", "An error carries its code."},
    {"error.code-known", "The error code is in the contract's catalogue."},
    {"status.code-mismatch", "The HTTP status is the one the catalogue gives the error code."},
    {"error.message", "An error carries a non-empty message."},
    {"secrets.echoed", "No credential the request carried comes back in the response."},
    {"status.5xx-on-bad-request", "A request the case expects to fail never gets a 5xx."},
    {"auth.required", "A request with bad credentials never succeeds."},
    {"request.build", "The case describes a request that can be built."},
    {"expect.outcome", "The answer is the success or error the case expects."},
    {"expect.code", "The error code is the one the case expects."},
    {"expect.status", "The HTTP status is the one the case expects."},
    {"expect.equal", "Response members equal the values the case expects."},
    {"expect.not_equal", "Response members differ from the values the case names."},
    {"expect.consistent", "Parallel copies of a step get identical members."},
    {"idempotency.", "A replayed request with the same token gets the same result."},
    {"rule.", "A cross-field rule of the contract holds."},
};

const char *cf_report_check_text(const char *id)
{
    for (size_t i = 0; id && i < sizeof(rules) / sizeof(rules[0]); i++) {
        size_t n = strlen(rules[i].id);
        if (rules[i].id[n - 1] == '.' ? strncmp(id, rules[i].id, n) == 0
                                      : strcmp(id, rules[i].id) == 0)
            return rules[i].text;
    }
    return "A check of the contract or of the case holds.";
}
