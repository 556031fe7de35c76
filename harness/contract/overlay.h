/* overlay.h - the overlay file: what an AWS model lacks (callers' credentials, secret variables,
 * idempotency scope and retention, latency budget, error roles, mock hints), applied over a
 * cf_api. The format is documented in README.md ("Contracts: AWS models"). */
#ifndef CF_OVERLAY_H
#define CF_OVERLAY_H

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/api.h"

/* Memory: cf_overlay_apply() copies the overlay document into the api (adopted, freed with it);
 * templates and strings the api gains borrow from that copy or its arena. The caller keeps
 * `overlay`. */

/* Applies `overlay` (parsed from `file`) over `api`. Unknown keys are errors listing the allowed
 * keys; unknown operations, credentials, variables and roles are errors; every error names the
 * file and the JSON Pointer. Returns CF_OK, CF_E_INVALID (with diagnostics; the api is then
 * partly changed and should be freed) or CF_E_NOMEM. */
CF_WUR cf_rc cf_overlay_apply(cf_api *api, const char *file, const cJSON *overlay, cf_diags *diags);

/* 1 when the overlay's "models" list names `model_name` (a file name, no folder). */
int cf_overlay_names_model(const cJSON *overlay, const char *model_name);

#endif
