/* request.h - the serializer: a case step on an operation of a contract, plus bindings -> the
 * HTTP request to send. */
#ifndef CF_REQUEST_H
#define CF_REQUEST_H

#include <stddef.h>

#include "base/buf.h"
#include "contract/api.h"
#include "contract/case.h"
#include "contract/template.h"
#include "http/headers.h"

/* The request actually sent. Memory: owns everything; cf_request_cleanup() accepts NULL and
 * leaves a zeroed struct. */
typedef struct {
    char *method;
    char *url; /* base URL + operation path (parameters filled) + query */
    cf_headers headers;
    char *body; /* NULL when no body is sent; NUL-terminated copy */
    size_t body_len;
    char *idem_token; /* the idempotency token the request carries (op->idem: a body member, a
                         header or a query parameter), a copy; NULL when none or empty: only
                         then may a transport retry resend it */
} cf_request;

void cf_request_cleanup(cf_request *r);

/* Builds the request for `step` (on step->op, an operation of `api`) against `base_url` (a URL
 * template, variables expanded):
 *   method   step->method, else the operation's;
 *   URL      base + the path with each {param} from step->path_params (else the parameter's
 *            example), percent-encoded; the query from the operation's query parameters'
 *            examples and defaults, overridden by step->query (null drops one; style form,
 *            explode or not); a query credential;
 *   headers  the operation's send_headers, its header parameters' examples and the credential
 *            of its security (the first secret caller variable, with the credential's prefix),
 *            all overlaid by step->headers (null drops one); a Content-Type for a body unless
 *            the case names that header; an idempotency header token "{$token}" when none;
 *   body     the example of the request media type (api->defaults.request_type, else the
 *            first), or step->body, changed by `set`/`remove` (or `raw_body`/`no_body`).
 * Every string is expanded with `ctx`. A path parameter without a value, a header carrying
 * CR/LF or a base URL that is not http(s) fail with CF_E_INVALID. On failure `err` says what
 * and where, and *out is left clean. */
CF_WUR cf_rc cf_request_build(const cf_api *api, const cf_step *step, const char *base_url,
                              const cf_tmpl_ctx *ctx, cf_request *out, char *err, size_t errlen);

/* The credential the operation's security sends and the secret variable that carries it;
 * NULL when the operation needs none or no caller variable is known. */
const cf_api_credential *cf_request_credential(const cf_api *api, const cf_api_operation *op,
                                               const char **caller);

#endif
