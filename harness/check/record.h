/* record.h - an exchange written down for a report: request and response as text and a curl
 * line that replays it, all with secrets masked at the source. */
#ifndef CF_RECORD_H
#define CF_RECORD_H

/* Memory: each function returns a new string the caller frees with free(); NULL means
 * allocation failed. The inputs are borrowed for the call only. */

#include "base/secrets.h"
#include "http/request.h"
#include "http/response.h"
#include "contract/api.h"

/* Bytes of a body kept in a record; the rest is summarised as "... (N more bytes)". */
#define CF_RECORD_BODY_MAX 2048u

/* Each returns a new string (caller frees) or NULL on allocation failure. A header a
 * credential of `api` travels in is always masked, whatever its value; a value equal to a
 * secret variable appears in the curl line as "${CONFORM_VAR_<NAME>}" so the line replays
 * without holding the secret. */
char *cf_record_request(const cf_api *api, const cf_request *q, const cf_secrets *r);
char *cf_record_response(const cf_response *resp, const cf_secrets *r);
char *cf_record_curl(const cf_api *api, const cf_request *q, const cf_secrets *r);

#endif
