/* internal.h - what the serializer's files share (request.c, request_url.c).
 *
 * Memory: expand() returns a new string the caller frees; the others fill `out`. */
#ifndef CF_HTTP_INTERNAL_H
#define CF_HTTP_INTERNAL_H

#include "http/request.h"

/* Expands a template into a new string (bounded by `max`); NULL with *rc and err set. */
char *cf_request_expand(const char *tmpl, const cf_tmpl_ctx *ctx, size_t max, char *err,
                        size_t errlen, cf_rc *rc);

/* out->url = base + the operation's path with its parameters filled + the query string. */
CF_WUR cf_rc cf_request_url(const cf_api *api, const cf_step *step, const char *base,
                            const cf_tmpl_ctx *ctx, cf_request *out, char *err, size_t errlen);

#endif
