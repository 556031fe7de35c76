/* v1_api.h - a conform v1 spec file's contract as a cf_api, so every consumer reads one model. */
#ifndef CF_V1_API_H
#define CF_V1_API_H

#include "base/rc.h"
#include "contract/api.h"
#include "contract/spec.h"

/* Builds the cf_api of a loaded v1 spec: one operation (the spec's), its single success
 * status, a `default` response with the error schema, the catalogue and roles, the envelope,
 * the X-Amz-Bearer-style credential with its callers, the idempotency rule, rules, latency and
 * mock templates. Returns CF_OK or CF_E_NOMEM (*out NULL).
 * Memory: the api borrows strings and cJSON from `spec` (its schemas are compiled anew and
 * owned by the api): free the api before the spec. */
CF_WUR cf_rc cf_api_from_spec(const cf_spec *spec, cf_api **out);

#endif
