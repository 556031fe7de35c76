/* cases_internal.h - what the generated-case files share: the run's context (cases.c), one
 * operation's items as steps (cases_op.c) and the producer chains and sequences
 * (cases_seq.c). Cases are built as suite case objects (JSON) first; cases.c turns each into a
 * cf_case that borrows from it. */
#ifndef CF_GEN_CASES_INTERNAL_H
#define CF_GEN_CASES_INTERNAL_H

#include "gen/cases.h"
#include "gen/gen.h"

/* Memory: a gc borrows everything it points to. A gc_op owns its item list, `prefix` and
 * `bind`; gc_op_cleanup() frees them. Every function that takes a `cJSON *` node to add takes
 * it (frees it on failure). */

/* A credential nobody was given: the auth cases' "unknown" value. */
#define GC_UNKNOWN_CREDENTIAL "conform-unknown-credential"

typedef struct {
    const cf_api *api;
    const cf_gen_cases_opts *o;
    cf_gen_cases_stats *st;
    cf_gen_cases *out;
    size_t kept;  /* cases of the current operation kept so far (max_cases) */
    int negative; /* mode ALL: negative items and credential cases wanted */
} gc;

/* One operation as the generator sees it. */
typedef struct {
    const cf_api_operation *op;
    const cf_api_media *media;  /* the JSON body sent; NULL: no body (or not JSON) */
    const cf_api_security *sec; /* the credentials sent; NULL: none */
    cf_gen_list list;           /* the items, and list.base (valid value of every input) */
    cJSON *prefix; /* array of the producer steps that run first; NULL when none is needed */
    cJSON *bind;   /* {"header":{name:tpl},"path":{..},"query":{..},"body":{pointer:tpl}}: the
                    * consumed inputs as captures ("{@r}") or variables ("{var}"); NULL none */
} gc_op;

/* ---- cases.c ---- */

/* Appends the case object `node` (taken) to the set unless the cap or the keep hook drops
 * it. CF_OK, CF_E_NOMEM. */
CF_WUR cf_rc gc_add(gc *g, cJSON *node);
/* A case object {"id": "gen.<op>.<name>", "tags": ["generated", kind]}; NULL out of memory. */
cJSON *gc_case_node(const char *op, const char *name, const char *kind);
/* {"success": true}, or the error the contract gives `role` ({"error": "validation"}; any error
 * {"success": false} when the contract names no such role). NULL out of memory. */
cJSON *gc_expect_success(void);
cJSON *gc_expect_role(const gc *g, cf_api_role role);
/* `s` with every '{' doubled, so a template gives it back as is; NULL out of memory. */
char *gc_escaped(const char *s);
/* Deep copy of `v` whose string values (not member names) are escaped; NULL out of memory. */
cJSON *gc_escaped_copy(const cJSON *v);

/* ---- cases_op.c ---- */

/* Reads the operation and generates its items (no producers worked out); gc_op_cleanup() in
 * every case. */
CF_WUR cf_rc gc_op_read(const gc *g, const cf_api_operation *op, size_t max_items, int no_negative,
                        gc_op *v);
/* Reads the operation, generates its items (max_items 0: the default cap; no_negative as the
 * mode says) and works out its producers. CF_OK, CF_E_NOMEM; gc_op_cleanup() in every case. */
CF_WUR cf_rc gc_op_init(gc *g, const cf_api_operation *op, size_t max_items, int no_negative,
                        gc_op *v);
void gc_op_cleanup(gc_op *v);
/* The step object {"name", "operation", "headers", "path", "query", "body"} of item `it` (NULL: the
 * base request), credentials and consumed inputs set, a fresh token where the item allows; *fixed
 * (may be NULL) is set when the item is about the idempotency token. NULL when out of memory
 * or when the item cannot be sent (*skip set: a parameter value with no text form). */
cJSON *gc_step(const gc *g, const gc_op *v, const cf_gen_item *it, const char *name, int *fixed,
               int *skip);
/* Every case of one operation: its items, a wrong content type, its credential cases. */
CF_WUR cf_rc gc_op_cases(gc *g, gc_op *v);

/* ---- cases_seq.c ---- */

/* Fills v->prefix and v->bind: the steps of the producers of every resource the operation
 * consumes (themselves behind their own producers), each capturing what it produces, and how
 * each consumed input is set. A resource nobody produces is taken from the variable of the
 * same name ("ViewToken" from view_token), else left as generated. `prefer` (may be NULL) is
 * the producer chosen for what it produces; otherwise the first in the contract's order.
 * CF_OK, CF_E_NOMEM. */
CF_WUR cf_rc gc_seq_resolve(const gc *g, gc_op *v, const cf_api_operation *prefer);
/* The gen.seq.* cases whose producer is `v`'s operation: per operation consuming what it
 * produces, the producer's chain, the producer, the consumer; each step expects success. */
CF_WUR cf_rc gc_seq_cases(gc *g, const gc_op *v);

#endif
