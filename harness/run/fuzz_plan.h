/* fuzz_plan.h - what a `conform fuzz` campaign over a whole contract starts from: per operation
 * the seed requests (its generated cases' own requests, valid and invalid, path, query, header
 * and body) and the steps that make the resources it consumes (run once per campaign, their
 * captures bound to every request of the operation), and how a finding is saved as a suite v2
 * case that `conform run` replays. */
#ifndef CF_FUZZ_PLAN_H
#define CF_FUZZ_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/rc.h"
#include "contract/api.h"
#include "gen/cases.h"

/* Memory: a cf_fuzz_plan owns its array of operations and `gen` (the generated cases the
 * operations' `setup` and `seeds` point into); cf_fuzz_plan_cleanup() frees both (accepts
 * NULL). `op` points into the api the plan was built from: free the plan first. */

typedef struct {
    const cf_api_operation *op;
    const cJSON *setup; /* the first `setup_count` step objects of this array (suite format, each
                         * with `operation`, `request`, `expect`, `capture`) run once, in order,
                         * before the operation's requests; NULL when it consumes nothing
                         * another operation makes */
    size_t setup_count;
    const cJSON **seeds; /* the generated single requests of the operation: step objects with
                          * `operation`, `request` and `expect` (valid ones expect success) */
    size_t seed_count;
    size_t valid_count; /* of the seeds, those expecting success (mutated from) */
} cf_fuzz_plan_op;

typedef struct {
    cf_fuzz_plan_op *ops; /* in the contract's order; operations with no seed are left out */
    size_t count;
    cf_gen_cases gen;
} cf_fuzz_plan;

/* Builds the plan of every operation of `api` from its generated cases (--generate all,
 * `seed`): the same api and seed give the same plan. CF_OK, CF_E_NOMEM; `out` is then empty. */
CF_WUR cf_rc cf_fuzz_plan_build(const cf_api *api, uint64_t seed, cf_fuzz_plan *out);
void cf_fuzz_plan_cleanup(cf_fuzz_plan *p);

/* The operation seeded with the campaign's request number `n`: round robin over the plan's
 * operations, so each gets the same share whatever the contract's size. NULL for an empty
 * plan. */
const cf_fuzz_plan_op *cf_fuzz_plan_pick(const cf_fuzz_plan *p, size_t n);

/* A finding's replay file in the suite v2 format, pretty-printed, appended to `out`:
 * {"conform": 2, "contract": `contract`[, "variables": copy of `variables`], "cases": [case]}
 * where `case_json` is the finding's case (its steps naming their operation), `contract` the
 * contract's path relative to the folder the file is saved in and `variables` (NULL: none) the
 * variables the fuzzed suite declared. CF_OK, CF_E_INVALID (case_json is no JSON object),
 * CF_E_NOMEM. */
CF_WUR cf_rc cf_fuzz_case_file_v2(const char *contract, const cJSON *variables,
                                  const char *case_json, cf_buf *out);

/* `target` as a path relative to the folder `from_dir` (both as given, made absolute against
 * the current directory; ".." where needed): what a saved suite names its contract by. NULL
 * when out of memory or the current directory cannot be read. Memory: free() the result. */
char *cf_fuzz_relative_path(const char *from_dir, const char *target);

#endif
