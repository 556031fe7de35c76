/* internal.h - what the files of gen/ share and nobody else sees: the generation context, the
 * schema view (refs followed, allOf merged, types and bounds read) and the value builders. */
#ifndef CF_GEN_INTERNAL_H
#define CF_GEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "gen/gen.h"

/* Memory: a gen_ctx borrows the options, the schema and the list it fills; it owns `scratch`
 * (schemas merged from allOf and $ref siblings, which the views borrow) and the compiled
 * oracle, both freed by gen_ctx_cleanup(). */

/* JSON types as a bit set; T_NUM includes integers. */
enum { T_NULL = 1, T_BOOL = 2, T_OBJ = 4, T_ARR = 8, T_STR = 16, T_INT = 32, T_NUM = 64 };
#define T_ALL (T_NULL | T_BOOL | T_OBJ | T_ARR | T_STR | T_INT | T_NUM)

typedef struct {
    /* public to gen/ */
    cf_gen_options opt; /* defaults filled in */
    cf_rng rng;
    const cJSON *root; /* where "#..." refs resolve */
    int oas30;
    cf_gen_list *out;
    const char *root_name;
    cf_gen_in in;
    const char *param;
    size_t produced; /* items this schema added (kept or not), against opt.max_items */
    int full;        /* max_items reached: nothing more is generated */
    int in_branch;   /* walking a oneOf/anyOf branch: its negatives would mostly fall into
                      * another branch, so none is generated there */
    cf_rc rc;        /* sticky: the first allocation failure */
    /* private */
    cJSON *scratch;
    cf_schema *oracle;
    uint64_t *names; /* hashes of the names given so far, to keep them unique */
    size_t n_names;
} gen_ctx;

/* Sets up a context for one schema (the oracle compiled); gen_ctx_cleanup() in every case. */
CF_WUR cf_rc gen_ctx_init(gen_ctx *c, const cJSON *schema, const char *root, cf_gen_in in,
                          const char *param, const cf_gen_options *opt, cf_gen_list *out);
void gen_ctx_cleanup(gen_ctx *c);

/* ---- list.c: the one way an item enters a list ----------------------------------------- */

/* Adds an item named `path` (or the root name when path is "") + "." + `rule` (rule may be
 * NULL), whose instance is `base` with `value` put at JSON Pointer `at` ("" replaces the
 * whole; value NULL removes the member at `at`). The oracle decides: an item whose expected
 * outcome the validator contradicts is dropped and counted. base is borrowed; value is taken. */
void gen_emit(gen_ctx *c, cf_gen_kind kind, const char *path, const char *rule, const cJSON *base,
              const char *at, cJSON *value, int random);
/* Adds a raw-text negative (must fail to parse as JSON). */
void gen_emit_raw(gen_ctx *c, const char *path, const char *rule, const char *raw, size_t len);
/* Adds an item that leaves the input out (a parameter missing or absent). */
void gen_emit_absent(gen_ctx *c, cf_gen_kind kind, const char *rule);
void gen_note(gen_ctx *c, const char *path, const char *fmt, ...) CF_PRINTF(3, 4);

/* ---- view.c: reading a schema ---------------------------------------------------------- */

/* The schema to generate from: $ref followed (siblings merged), allOf merged into one object,
 * `true` as {}; NULL for `false`, an unresolvable ref or depth exhausted. Borrowed from the
 * schema or c->scratch. */
const cJSON *gen_view(gen_ctx *c, const cJSON *s);
/* The types the schema allows, from type/nullable/const/enum; T_ALL when it does not say. */
int gen_types(gen_ctx *c, const cJSON *v);
/* The type to build: the first allowed one that the keywords suggest. */
int gen_pick_type(gen_ctx *c, const cJSON *v);
/* Numeric keyword or string keyword of a view, NULL when absent. */
const cJSON *gen_kw(const cJSON *v, const char *name);
double gen_num(const cJSON *v, const char *name, double dflt);
int gen_has(const cJSON *v, const char *name);
/* A count keyword (minLength, maxItems, ...) clamped to [0, 1e15]; dflt when absent. */
size_t gen_size(const cJSON *v, const char *name, size_t dflt);
/* 1 when `name` is listed in the view's "required". */
int gen_required(const cJSON *v, const char *name);
/* The view with the keyword `drop` removed and `branch` merged in (oneOf/anyOf branches). */
const cJSON *gen_with_branch(gen_ctx *c, const cJSON *v, const char *drop, const cJSON *branch);

typedef struct {
    int has_lo, has_hi, lo_excl, hi_excl;
    double lo, hi;
    const char *lo_kw, *hi_kw; /* "minimum", "exclusiveMinimum", "format" */
    double mult;               /* 0: none */
} gen_range;
void gen_range_read(gen_ctx *c, const cJSON *v, int integer, gen_range *r);
/* 1 when x satisfies the range (bounds and multipleOf). */
int gen_range_ok(const gen_range *r, double x, int integer);
/* The smallest valid value, or the one nearest 0; 0 when none can be found. */
int gen_range_first(const gen_range *r, int integer, double *x);

/* ---- strings.c: strings by code points ------------------------------------------------- */

/* Appends `n` code points cycling through UTF-8 `sample`. */
CF_WUR cf_rc gen_fill(cf_buf *b, const char *sample, size_t n);
/* The odd-but-valid string classes: name and sample; NULL name ends the table. */
typedef struct {
    const char *name;
    const char *sample;
} gen_odd;
extern const gen_odd gen_odd_strings[];
/* A valid sample of an asserted format ("" when the format is unknown or not a string's),
 * padded to about `len` code points where the format allows it (uri); `r` NULL: fixed. */
char *gen_format_sample(const char *format, int https, int millis, size_t len, cf_rng *r);
const char *gen_format_invalid(const char *format);
/* A string of exactly `len` code points matching a simple ECMA pattern (literals, escapes,
 * classes, `.`, quantifiers, ^ and $); NULL when the pattern is not simple or cannot reach
 * that length. `r` NULL: the first character of each class. lo and hi (may be NULL) get the
 * lengths the pattern can produce (hi SIZE_MAX: unbounded). */
char *gen_pattern_string(const char *pattern, size_t len, cf_rng *r, size_t *lo, size_t *hi);

/* ---- value.c: building values --------------------------------------------------------- */

/* A valid value of the schema: minimal (only required members, lengths at minimum, numbers
 * at their lower bound) when r is NULL, random otherwise; `nth` makes it differ from the
 * n-1 values before it (uniqueItems). NULL when none could be built within the depth. */
cJSON *gen_value(gen_ctx *c, const cJSON *s, int depth, cf_rng *r, unsigned nth);
/* A string for the view of exactly `len` code points (pattern or filler); NULL if none. */
char *gen_string(gen_ctx *c, const cJSON *v, size_t len, cf_rng *r, unsigned nth);

/* ---- values.c: the walk ---------------------------------------------------------------- */

/* Emits every item of the schema at JSON Pointer `at` of `base`, named under `path`. */
void gen_walk(gen_ctx *c, const cJSON *s, const char *path, const cJSON *base, const char *at,
              int depth);

#endif
