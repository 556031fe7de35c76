/* mutate.h - mutators for `conform fuzz`: one seeded change to a valid request body, structure-
 * aware, schema-aware or byte-level, with a dictionary of edge values; bounded in size. */
#ifndef CF_MUTATE_H
#define CF_MUTATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/rc.h"
#include "contract/schema.h"
#include "gen/rng.h"

/* Memory: a cf_mutation owns `where`, `value` and `raw`; cf_mutation_cleanup() frees them
 * (accepts NULL) and leaves it zeroed. The body, schema and document are only borrowed. */

/* X(enum, name): the mutators, in the order cf_mutate draws from. */
#define CF_MUTATOR_MAP(X)                                                                          \
    X(CF_MUT_DROP_MEMBER, "drop-member")     /* structure: remove an object member */              \
    X(CF_MUT_DUP_MEMBER, "duplicate-member") /* structure: the same key twice */                   \
    X(CF_MUT_RETYPE, "retype")               /* structure: a value of another JSON type */         \
    X(CF_MUT_SWAP_ITEMS, "swap-items")       /* structure: two array elements swapped */           \
    X(CF_MUT_PAST_BOUND, "past-bound")       /* schema: one past a length/value/count bound */     \
    X(CF_MUT_OFF_ENUM, "off-enum")           /* schema: a value outside enum/const */              \
    X(CF_MUT_EDGE_VALUE, "edge-value")       /* dictionary: a value from cf_mutate_edges */        \
    X(CF_MUT_STRING_FLIP, "string-flip")     /* bytes: flip a bit in a string */                   \
    X(CF_MUT_STRING_INSERT, "string-insert") /* bytes: insert a byte in a string */                \
    X(CF_MUT_STRING_DELETE, "string-delete") /* bytes: delete a byte of a string */                \
    X(CF_MUT_BODY_FLIP, "body-flip")         /* bytes: flip a bit of the serialized body */        \
    X(CF_MUT_BODY_INSERT, "body-insert")     /* bytes: insert a byte in the serialized body */     \
    X(CF_MUT_BODY_DELETE, "body-delete")     /* bytes: delete a byte of the serialized body */

typedef enum {
#define CF_MUT_ENUM(e, s) e,
    CF_MUTATOR_MAP(CF_MUT_ENUM)
#undef CF_MUT_ENUM
        CF_MUT__COUNT
} cf_mutator;

typedef struct {
    cf_mutator op; /* what was done (a mutator that finds nothing to act on falls back to
                    * edge-value, and says so here) */
    char *where;   /* JSON Pointer of the changed value; "" for the serialized body */
    cJSON *value;  /* the mutated body; NULL for the body-* mutators */
    char *raw;     /* body-* mutators: the mutated serialized body (not NUL-safe: use raw_len) */
    size_t raw_len;
} cf_mutation;

typedef struct {
    const cJSON *schema;   /* the body's schema; NULL: schema-aware mutators use the
                            * dictionary instead */
    const cJSON *document; /* where "#/..." refs resolve; NULL: the schema */
    size_t max_len;        /* serialized size bound; 0: CF_MAX_REQUEST_BODY */
} cf_mutate_options;

/* One mutation of `body` drawn from `rng` (advanced): the same body, options and rng state
 * give the same mutation. Fails with CF_E_INVALID (body NULL), CF_E_TOO_LARGE (the result
 * would pass max_len: nothing is returned), CF_E_NOMEM; *out is zeroed first. opt may be
 * NULL. */
CF_WUR cf_rc cf_mutate(const cJSON *body, const cf_mutate_options *opt, cf_rng *rng,
                       cf_mutation *out);
/* The same with the mutator chosen by the caller. */
CF_WUR cf_rc cf_mutate_with(cf_mutator op, const cJSON *body, const cf_mutate_options *opt,
                            cf_rng *rng, cf_mutation *out);
void cf_mutation_cleanup(cf_mutation *m);
const char *cf_mutator_name(cf_mutator op);

/* The dictionary of edge values, as JSON texts (numbers at 32/53/64 bits, empty and huge
 * strings, metacharacters, NUL and astral escapes, nulls, deep and empty containers). */
extern const char *const cf_mutate_edges[];
extern const size_t cf_mutate_edge_count;

#endif
