/* aws.h - AWS service models (restJson1) as cf_api contracts: Smithy 2.0 JSON AST and botocore
 * service-2 JSON, with the overlay file (overlay.h) supplying what the models lack. */
#ifndef CF_AWS_H
#define CF_AWS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/api.h"

/* Memory: the loaders return a new cf_api the caller frees with cf_api_free(); documents they
 * are given are borrowed (copied where the api keeps them) and stay the caller's. On failure
 * *out is NULL and every problem is in `diags` with the file and a JSON Pointer. */

/* CF_API_FROM_SMITHY for a Smithy JSON AST ("smithy" member), CF_API_FROM_BOTOCORE for a
 * botocore document ("metadata" with "protocol" or "protocols"), -1 for anything else. */
int cf_aws_detect(const cJSON *doc);

/* Builds a cf_api from a parsed AWS model (`file` names it in messages) and an optional parsed
 * overlay (NULL: everything inferred). Returns CF_OK; CF_E_INVALID with diagnostics (another
 * protocol, an unknown shape target, a recursive shape, a bad trait, an overlay error...);
 * CF_E_NOT_FOUND when doc is no AWS model (no diagnostic); CF_E_NOMEM. */
CF_WUR cf_rc cf_aws_load(const char *file, const cJSON *doc, const char *overlay_file,
                         const cJSON *overlay, cf_api **out, cf_diags *diags);

/* Reads and loads the model at `path`, with the overlay at `overlay_path`, or (NULL) the
 * overlay found beside the model: the first "*.overlay.json" file in its folder whose "models"
 * list names the model's file name. Returns as cf_aws_load(), plus CF_E_IO and
 * CF_E_TOO_LARGE (recorded) for an unreadable or oversized file. */
CF_WUR cf_rc cf_aws_load_file(const char *path, const char *overlay_path, cf_api **out,
                              cf_diags *diags);

/* The same for the bytes of the file at `path` (need not be NUL-terminated), the overlay
 * found beside it: what cf_api_load_file() calls for an AWS model. */
CF_WUR cf_rc cf_aws_load_mem(const char *path, const char *buf, size_t len, cf_api **out,
                             cf_diags *diags);

/* 1 when the bytes look like an AWS model (read, not parsed): a JSON object with top-level
 * "smithy" and "shapes", or "metadata" holding "protocol" or "protocols". The loaders still
 * judge the parsed document (cf_aws_detect). */
int cf_aws_sniff(const char *buf, size_t len);

typedef enum {
    CF_AWS_FILE_OTHER = 0, /* unreadable, not JSON, or neither of the below */
    CF_AWS_FILE_MODEL,     /* a Smithy or botocore model */
    CF_AWS_FILE_OVERLAY,   /* an overlay ("overlay" and "models" members) */
} cf_aws_file_kind;

/* What the JSON file at `path` is to the AWS loaders, sniffed as cf_aws_sniff() does (an
 * overlay: top-level "overlay" and "models"). Reads the file, bounded; does not parse it. */
cf_aws_file_kind cf_aws_file_kind_of(const char *path);

/* Checks an overlay file by loading, with it, every model its "models" list names (files in
 * the overlay's folder). *models counts the models loaded. Returns CF_OK or the first failure,
 * every problem in diags. */
CF_WUR cf_rc cf_aws_lint_overlay(const char *path, size_t *models, cf_diags *diags);

/* The contract an overlay stands for: the first model its "models" list names, loaded with the
 * overlay (the Smithy and botocore models of one service describe the same API). Returns as
 * cf_aws_load_file(); CF_E_INVALID (recorded) when the list names no model file. */
CF_WUR cf_rc cf_aws_load_overlay(const char *path, cf_api **out, cf_diags *diags);

#endif
