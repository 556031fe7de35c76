/* checks.h - the named checks a response is held against: the contract (cf_api) and the
 * expectations of the case. */
#ifndef CF_CHECKS_H
#define CF_CHECKS_H

#include <stdint.h>

#include "base/secrets.h"
#include "http/request.h"
#include "http/response.h"
#include "check/result.h"
#include "contract/api.h"
#include "contract/case.h"
#include "contract/template.h"

/* Check ids (stable; reports and docs use them):
 *   transport.response      a complete response arrived (else curl's error)
 *   response.size           body and headers within their bounds
 *   latency.budget          answered within the operation's (else the api's) latency budget;
 *                           none set: not judged
 *   content-type            media type is the api's response type, else one the contract
 *                           lists for the status (not judged when it lists none)
 *   headers.required        every api->required_headers and required header of the response
 *   json.valid              body is one complete JSON value (when JSON is expected: the
 *                           contract documents it, the content-type says so)
 *   envelope.kind           body is a success or an error envelope
 *   envelope.shape          schema of the matching response's media entry (exact members,
 *                           formats, ranges); no schema: not judged
 *   status.success          a success answer has a status the contract lists as a success
 *                           (exact, "2XX" range, or `default` when no success is listed)
 *   error.code-present      an error carries its code (only when the envelope locates codes)
 *   error.code-known        the code is in the catalogue (only when there is one)
 *   status.code-mismatch    the HTTP status is the one the catalogue gives the code
 *   error.message           an error carries a non-empty message (when messages are located)
 *   rule.<id>               the operation's cross-field rules
 *   secrets.echoed          no credential the request carried comes back
 *   status.5xx-on-bad-request  a request the case expects to fail never gets a 5xx
 *   auth.required           a request with bad credentials never succeeds (only on an
 *                           operation that takes credentials)
 *   expect.outcome / expect.code / expect.status / expect.equal / expect.not_equal
 *                           the case's own expectations
 *   expect.role             the error plays the role the step expects: by its catalogue code,
 *                           else by the contract's response for the status, else by the
 *                           status alone (404 is not-found even with a body of {})
 *   expect.consistent       members equal across every successful copy of a parallel step
 *                           (cf_checks_consistent; a step's own `check` id replaces it)
 *
 * Memory: the checks borrow their input; verdicts are copied onto the case result, which owns
 * them. */

typedef struct {
    const cf_api *api;
    const cf_api_operation *op; /* the operation called (step->op) */
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
