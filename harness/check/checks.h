/* checks.h - the named checks a response is held against: the contract of the spec and the
 * expectations of the case. */
#ifndef CF_CHECKS_H
#define CF_CHECKS_H

#include <stdint.h>

#include "base/secrets.h"
#include "http/request.h"
#include "http/response.h"
#include "check/result.h"
#include "contract/spec.h"
#include "contract/template.h"

/* Check ids (stable; reports and docs use them):
 *   transport.response      a complete response arrived (else curl's error)
 *   response.size           body and headers within their bounds
 *   latency.budget          answered within the spec's latency_ms
 *   content-type            media type is responses.content_type
 *   headers.required        every responses.required_headers is present
 *   json.valid              body is one complete JSON value
 *   envelope.kind           body is a success or an error envelope
 *   envelope.shape          schema of the success / error body (exact members, formats, ranges)
 *   status.success          a success answer has the success status
 *   error.code-present      an error carries its code
 *   error.code-known        the code is in the catalogue
 *   status.code-mismatch    the HTTP status is the one the catalogue gives the code
 *   error.message           an error carries a non-empty message
 *   rule.<id>               the spec's cross-field rules
 *   secrets.echoed          no credential the request carried comes back
 *   status.5xx-on-bad-request  a request the case expects to fail never gets a 5xx
 *   auth.required           a request with bad credentials never succeeds
 *   expect.outcome / expect.code / expect.status / expect.equal / expect.not_equal
 *                           the case's own expectations
 *   expect.consistent       members equal across every successful copy of a parallel step
 *                           (cf_checks_consistent; a step's own `check` id replaces it)
 *
 * Memory: the checks borrow their input; verdicts are copied onto the case result, which owns
 * them. */

typedef struct {
    const cf_spec *spec;
    const cf_step *step;
    const cf_request *request;
    const cf_response *response;
    const cf_secrets *secrets; /* every text recorded passes through it; its variables say
                                  which secrets this request carried */
    const cf_tmpl_ctx *ctx;    /* expands equal / not_equal templates */
    const char *label;         /* step label for the records */
    int64_t received_ms;       /* wall clock when the response arrived */
} cf_check_input;

/* Runs every applicable check, recording each verdict on `out`. Returns CF_E_NOMEM only when a
 * verdict could not be recorded; a bad response is a failed check, never an error. */
CF_WUR cf_rc cf_checks_run(const cf_check_input *in, cf_case_result *out);

/* expect.consistent: each member (JSON pointer) of step->consistent must be identical in every
 * successful response among the `n` copies of a parallel step (in copy order). One verdict per
 * member on `out`, its failure text redacted with `secrets`. CF_E_NOMEM only when a verdict
 * could not be recorded. */
CF_WUR cf_rc cf_checks_consistent(const cf_step *step, const cf_response *const *responses,
                                  size_t n, const cf_secrets *secrets, cf_case_result *out);

/* Text form of a JSON member for comparisons: strings as-is, other values as compact JSON.
 * NULL when absent. Caller frees. */
char *cf_checks_value_text(const cJSON *root, const char *pointer);

#endif
