/* request.h - the serializer: a spec step plus bindings -> the HTTP request to send. */
#ifndef CF_REQUEST_H
#define CF_REQUEST_H

#include <stddef.h>

#include "base/buf.h"
#include "http/headers.h"
#include "contract/spec.h"
#include "contract/template.h"

/* The request actually sent. Memory: owns everything; cf_request_cleanup() accepts NULL and
 * leaves a zeroed struct. */
typedef struct {
    char *method;
    char *url; /* base URL + operation path */
    cf_headers headers;
    char *body; /* NULL when no body is sent; NUL-terminated copy */
    size_t body_len;
    char *idem_token; /* the idempotency token the body carries (spec->idem.token), a copy;
                         NULL when none or empty: only then may a transport retry resend it */
} cf_request;

void cf_request_cleanup(cf_request *r);

/* Builds the request for `step` against `base_url` (a URL template, variables expanded):
 * operation headers overlaid with the step's (null drops one), the example body changed by
 * `body`/`set`/`remove` (or `raw_body`/`no_body`), every string expanded with `ctx`.
 * Header names/values carrying CR or LF fail with CF_E_INVALID; so does a base URL that is
 * not http(s). On failure `err` says what and where, and *out is left clean. */
CF_WUR cf_rc cf_request_build(const cf_spec *spec, const cf_step *step, const char *base_url,
                              const cf_tmpl_ctx *ctx, cf_request *out, char *err, size_t errlen);

#endif
