/* openapi_internal.h - what the OpenAPI loader's files share: the load context, messages with
 * their place, $ref resolution, and the small readers of members. */
#ifndef CF_OPENAPI_INTERNAL_H
#define CF_OPENAPI_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/limits.h"
#include "contract/api.h"
#include "contract/yaml.h"

/* Where files pulled in by $ref are grafted into the entry document, so every ref is local
 * and the schema compiler resolves them against one root. */
#define OA_FILES_MEMBER "x-conform-files"

typedef struct {
    char *name;          /* as given or as resolved beside the referring file */
    char *dir;           /* its directory, for its own relative refs */
    char *real;          /* its real path (NULL for the entry), so each file is read once */
    cf_yaml_marks marks; /* empty for JSON */
} oa_file;

/* Memory: the context borrows api and diags; it owns `files` (oa_doc.c frees them). */
typedef struct {
    cf_api *api;
    cf_diags *diags;
    cJSON *root; /* the bundled entry document, adopted by api */
    char *base;  /* the entry file's directory, real path; NULL: sibling refs refused */
    oa_file files[CF_MAX_CONTRACT_FILES]; /* [0] is the entry file */
    size_t file_count;
    size_t problems;
    int v31;          /* OpenAPI 3.1 */
    int refs_checked; /* every ref was checked (and reported) once: oa_deref stays quiet */
} oa_ctx;

/* Adds a problem at `pointer` (a JSON Pointer into the bundled document) about `node` (may be
 * NULL): the diagnostic names the file the node came from, the pointer inside that file, and
 * for YAML the line and column. Counts it. */
void oa_problem(oa_ctx *c, const cJSON *node, const char *pointer, const char *fmt, ...)
    CF_PRINTF(4, 5);

/* Adds diagnostics whose paths are pointers of the bundled document (the schema linter's),
 * each moved to the file it came from. Counts nothing: the caller knows what they mean. */
void oa_diags_add(oa_ctx *c, const cf_diags *from);

/* Follows `node` while it is a {"$ref": ...} object: returns the object it finally names and
 * sets *where to its pointer (a buffer of CF_PATH_MAX). NULL for an unknown ref or a cycle,
 * reported unless oa_doc_check_refs() already reported every one. A node that is no ref is returned
 * as is with *where = pointer. */
const cJSON *oa_deref(oa_ctx *c, const cJSON *node, const char *pointer, char *where);

/* Parses the entry document and the files its refs name into c->root (bundled). */
cf_rc oa_doc_load(oa_ctx *c, const char *file, const char *buf, size_t len);
/* Checks every "$ref" in the bundled document names something; reports the rest. */
void oa_doc_check_refs(oa_ctx *c);
void oa_doc_cleanup(oa_ctx *c);

/* Member readers: NULL/0 when absent; a member of the wrong type is reported (at
 * pointer/name) and read as absent. */
const char *oa_string(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name);
int oa_bool(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name, int dflt);
const cJSON *oa_object(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name);
const cJSON *oa_array(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name);
/* An api-owned copy of a string member (NULL when absent or out of memory: *nomem set). */
const char *oa_strdup(oa_ctx *c, const char *s);
/* Reports keys of `obj` not in the NULL-terminated `allowed` list (x-conform objects are
 * ours, so they are strict), listing the allowed keys; a non-object `obj` is reported as
 * such. */
void oa_check_keys(oa_ctx *c, const cJSON *obj, const char *pointer, const char *const *allowed);

/* A security requirement list (root or operation) into alternatives (openapi.c). */
cf_api_security *oa_security(oa_ctx *c, const cJSON *list, const char *pointer, size_t *count);

/* openapi_ops.c: the paths into api->operations. */
void oa_operations(oa_ctx *c);
/* openapi_conform.c: x-conform at the top, on an operation, on a response; and inference. */
void oa_conform_vars(oa_ctx *c); /* first: room for variables, x-conform ones added */
void oa_conform_api(oa_ctx *c);
void oa_conform_operation(oa_ctx *c, cf_api_operation *op, const cJSON *xc, const char *pointer);
void oa_infer(oa_ctx *c);

#endif
