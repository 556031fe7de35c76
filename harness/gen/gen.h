/* gen.h - cases derived from JSON Schemas: named positive, boundary and negative instances of a
 * request's body and parameters, deterministic per seed and checked against the validator. */
#ifndef CF_GEN_H
#define CF_GEN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/rc.h"
#include "contract/schema.h"
#include "gen/rng.h"

/* Memory: a cf_gen_list owns its items, each item's name, value and raw text, the notes and
 * `base`; cf_gen_list_cleanup() frees them all (accepts NULL) and leaves an empty list. The
 * schemas and documents given to the generator are borrowed only during the call. A
 * zero-initialised list is a valid empty list. */

typedef enum {
    CF_GEN_POSITIVE = 0, /* a plain valid instance: minimal, members present/absent, enums,
                          * branches, values at each bound */
    CF_GEN_BOUNDARY,     /* odd but valid: metacharacters, control characters, non-ASCII,
                          * numbers past 32/53 bits, unknown members */
    CF_GEN_NEGATIVE,     /* invalid: missing, wrong type, null, one past a bound, off enum,
                          * malformed JSON */
} cf_gen_kind;

/* Which input of a request an item replaces; the others keep their `base` value. */
typedef enum { CF_GEN_IN_BODY = 0, CF_GEN_IN_PATH, CF_GEN_IN_QUERY, CF_GEN_IN_HEADER } cf_gen_in;

typedef struct {
    char *name; /* stable: "AttachmentName.maxLength+1", "Body.not-object.array",
                 * "query.limit.missing" (unique within a list) */
    cf_gen_kind kind;
    int valid; /* expected outcome: 1 the input is valid, 0 it is not */
    cf_gen_in in;
    char *param;  /* parameter name; NULL for the body */
    cJSON *value; /* the instance; NULL when `raw` is set or the input is left out */
    char *raw;    /* malformed JSON text sent verbatim instead of `value`, else NULL */
    size_t raw_len;
    int absent; /* 1: the input is left out (a missing required parameter) */
    int random; /* 1: the value depends on the seed (the name does not) */
} cf_gen_item;

typedef struct {
    cf_gen_item *items;
    size_t count;
    size_t cap;
    size_t dropped; /* generated items the validator disagreed with: never handed out */
    size_t capped;  /* inputs whose generation stopped at max_items */
    cf_diags notes; /* what was not generated and why (path = the item name prefix) */
    cJSON *base;    /* cf_gen_request only: {"body": v, "path": {..}, "query": {..},
                     * "header": {..}}, a valid value for every input */
} cf_gen_list;

typedef struct {
    uint64_t seed;                 /* the only source of randomness */
    size_t max_items;              /* per schema; 0: CF_GEN_MAX_ITEMS */
    int max_depth;                 /* 0: CF_GEN_MAX_DEPTH */
    cf_schema_dialect dialect;     /* as for cf_schema_compile */
    const cJSON *document;         /* where "#/..." refs resolve; NULL: the schema itself */
    cf_schema_direction direction; /* CF_SCHEMA_REQUEST leaves readOnly members out */
    int no_negative;               /* 1: positives and boundaries only (--generate positive) */
} cf_gen_options;

/* Generates the items of one schema into `out` (appended), named under `root` ("Body"; the
 * root itself is named `root`, a member "AttachmentName", an element "Tags[0]"). Every
 * positive and boundary item passes cf_schema_check() of the schema compiled with `opt`, every
 * negative fails it and every raw text fails to parse; an item that would not is dropped and
 * counted. Returns CF_OK, CF_E_INVALID (schema NULL), CF_E_NOMEM. opt may be NULL (defaults).
 * `in` and `param` are copied into each item. */
CF_WUR cf_rc cf_gen_schema(const cJSON *schema, const char *root, cf_gen_in in, const char *param,
                           const cf_gen_options *opt, cf_gen_list *out);

/* One parameter of a request (path, query or header). */
typedef struct {
    const char *name;
    cf_gen_in in; /* CF_GEN_IN_PATH, _QUERY or _HEADER */
    const cJSON *schema;
    int required;
} cf_gen_param;

/* What an operation takes: the body schema (NULL when it has none) and its parameters. */
typedef struct {
    const cJSON *body_schema;
    const cf_gen_param *params;
    size_t param_count;
} cf_gen_request;

/* Every input's items: the body's named as by cf_gen_schema(..., "Body", ...), raw malformed
 * bodies among them, a parameter's prefixed with where it sits ("query.limit.maximum+1",
 * "path.id.missing"); fills out->base with a valid value of every input (optional parameters
 * left out). Same return values and guarantees as cf_gen_schema. */
CF_WUR cf_rc cf_gen_request_items(const cf_gen_request *req, const cf_gen_options *opt,
                                  cf_gen_list *out);

void cf_gen_list_cleanup(cf_gen_list *l);
/* The item named `name`, or NULL. */
const cf_gen_item *cf_gen_list_find(const cf_gen_list *l, const char *name);

/* Writes the list as JSON lines, one item a line, in order:
 * {"name":..,"kind":..,"valid":..,"in":..[,"param":..][,"absent":true][,"random":true],
 *  "value":..|"raw":".."}. Two runs with one seed write the same bytes. */
CF_WUR cf_rc cf_gen_list_write(const cf_gen_list *l, cf_buf *out);

const char *cf_gen_kind_name(cf_gen_kind k);
const char *cf_gen_in_name(cf_gen_in in);

#endif
