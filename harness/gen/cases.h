/* cases.h - generated items turned into ordinary cases of a loaded spec, so `conform run` runs
 * them as it runs hand-written ones: one single-step case per item, plus the credential cases. */
#ifndef CF_GEN_CASES_H
#define CF_GEN_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/rc.h"
#include "contract/spec.h"

/* Memory: cf_gen_cases_add() appends to spec->cases; every string and JSON tree the new cases
 * point at lives in spec->generated, so cf_spec_free() frees them with the spec. Nothing else
 * is kept. */

/* What `--generate` asks for. */
typedef enum {
    CF_GEN_CASES_NONE = 0, /* hand-written cases only */
    CF_GEN_CASES_POSITIVE, /* positive and boundary items (valid requests only) */
    CF_GEN_CASES_ALL,      /* also negative items and the credential cases */
} cf_gen_cases_mode;

/* The seed used when none is given (documented in the README: a fixed default keeps CI runs
 * comparable from one day to the next). */
#define CF_GEN_DEFAULT_SEED 1u

/* Asked once per generated case before it is appended; returns 0 to drop it (the CLI drops a
 * case whose request is the same as a hand-written one's). */
typedef int (*cf_gen_keep_fn)(void *user, const cf_spec *spec, const cf_case *c);

typedef struct {
    cf_gen_cases_mode mode;
    uint64_t seed;
    size_t max_cases; /* per operation (spec); 0: no cap */
    cf_gen_keep_fn keep;
    void *keep_user;
} cf_gen_cases_opts;

typedef struct {
    size_t added;      /* cases appended */
    size_t duplicates; /* dropped by opts->keep */
    size_t capped;     /* left out by max_cases */
    size_t dropped;    /* items the validator disagreed with (cf_gen_list.dropped) */
} cf_gen_cases_stats;

/* Appends the generated cases of spec's operation to spec->cases, in a fixed order, with ids
 * "gen.<Operation>.<item name>" and tags "generated" plus the item's kind. A valid item
 * expects success, an invalid one the `validation` role; with `auth`, "auth.missing",
 * "auth.empty" and "auth.unknown" expect the `auth` role (CF_GEN_CASES_ALL only). Valid bodies
 * carry a fresh `{$token}` as their idempotency token unless the item is about the token.
 * Same spec, mode and seed: the same cases. Returns CF_OK (also when nothing is generated),
 * CF_E_NOMEM; on failure the spec keeps the cases added so far (all well-formed). */
CF_WUR cf_rc cf_gen_cases_add(cf_spec *spec, const cf_gen_cases_opts *opts,
                              cf_gen_cases_stats *stats);

/* Writes spec's generated cases as JSON lines, one a line, in order: {"id":..,"tags":[..],
 * "expect":"success"|CODE,"headers":..,"body":..|"raw_body":..}. Byte-identical for the same
 * spec, mode and seed. */
CF_WUR cf_rc cf_gen_cases_write(const cf_spec *spec, cf_buf *out);

#endif
