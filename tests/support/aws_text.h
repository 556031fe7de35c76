/* aws_text.h - AWS models and overlays written inline in tests: single quotes stand for double
 * quotes, so a model reads as JSON in C source; loading returns the api or the diagnostics.
 *
 * Memory: cf_test_json_q() returns a cJSON tree for cJSON_Delete(); cf_test_aws_load_q() fills
 * *api (cf_api_free()) and d (cf_diags_cleanup()), which the caller initialised. */
#ifndef CF_TEST_AWS_TEXT_H
#define CF_TEST_AWS_TEXT_H

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "contract/aws.h"

/* Parses `text` with every ' turned into "; fails the test when it is not JSON. */
cJSON *cf_test_json_q(const char *text);
/* Loads model text (and overlay text, may be NULL) as files "model.json" and
 * "model.overlay.json". Returns the loader's result. */
cf_rc cf_test_aws_load_q(const char *model, const char *overlay, cf_api **api, cf_diags *d);
/* 1 when some diagnostic has exactly this path and a message containing `needle`. */
int cf_test_diag_has(const cf_diags *d, const char *path, const char *needle);
/* All diagnostics as one string (for failure messages), in a static buffer. */
const char *cf_test_diags_text(const cf_diags *d);

#endif
