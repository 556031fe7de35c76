/* cases.h - generated items turned into ordinary cases of a contract (cf_api), so `conform run`
 * runs them as it runs hand-written ones: per operation one case per item (body, path, query
 * and header parameters, a wrong content type, missing / empty / unknown credentials), each
 * behind the steps that make the resources it consumes, plus one sequence per producer and
 * consumer of a resource. */
#ifndef CF_GEN_CASES_H
#define CF_GEN_CASES_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/rc.h"
#include "contract/api.h"
#include "contract/case.h"

/* Memory: a cf_gen_cases owns its cases (their steps, tags and allowed codes arrays) and
 * `nodes`, the JSON the cases' strings and trees borrow from; cf_gen_cases_cleanup() frees
 * them all (accepts NULL) and leaves an empty set. Each step's `op` points into the api the set
 * was built from: free the set before the api. Nothing else is kept. */

/* What `--generate` asks for. */
typedef enum {
    CF_GEN_CASES_NONE = 0, /* hand-written cases only */
    CF_GEN_CASES_POSITIVE, /* positive and boundary items (valid requests only) and sequences */
    CF_GEN_CASES_ALL,      /* also negative items and the credential cases */
} cf_gen_cases_mode;

/* The seed used when none is given (documented in the README: a fixed default keeps CI runs
 * comparable from one day to the next). */
#define CF_GEN_DEFAULT_SEED 1u

/* Asked once per generated case before it is kept; returns 0 to drop it (the CLI drops a case
 * whose request is the same as a hand-written one's). */
typedef int (*cf_gen_keep_fn)(void *user, const cf_api *api, const cf_case *c);

typedef struct {
    cf_gen_cases_mode mode;
    uint64_t seed;
    size_t max_cases; /* per operation (a sequence counts for its producer); 0: no cap */
    cf_gen_keep_fn keep;
    void *keep_user;
} cf_gen_cases_opts;

typedef struct {
    size_t added;      /* cases kept */
    size_t duplicates; /* dropped by opts->keep */
    size_t capped;     /* left out by max_cases */
    size_t dropped;    /* items the validator disagreed with (cf_gen_list.dropped), and
                        * parameter items whose value means something else on the wire */
    size_t sequences;  /* of `added`, the gen.seq.* cases */
    size_t operations; /* operations that got at least one case */
} cf_gen_cases_stats;

typedef struct {
    cf_case *cases;
    size_t count;
    size_t cap;
    cJSON *nodes; /* array: each case as a suite case object, in `cases` order */
} cf_gen_cases;

/* Generates the cases of every operation of `api`, in the contract's operation order, with ids
 * "gen.<OperationId>.<item name>" ("gen.StartAttachmentUpload.AttachmentName.maxLength+1",
 * "gen.GetPet.path.petId.not-integer.string", "gen.X.content-type.unsupported",
 * "gen.X.auth.missing") and "gen.seq.<Op>><Op>..." for sequences, tags "generated" plus the
 * item's kind ("sequence" for sequences). A valid item expects success; an invalid one the
 * `validation` role (any error when the contract names no such role); a wrong content type
 * 415 when the operation lists it; a credential case the `auth` role. An operation that
 * consumes a resource another produces (cf_api_mock_hints) gets the producers' steps first,
 * their answers captured and fed to the consumed header, parameter or body member. Valid
 * bodies carry a fresh `{$token}` as their idempotency token unless the item is about the
 * token. Same api, mode and seed: the same cases, byte for byte. Returns CF_OK (also when
 * nothing is generated), CF_E_NOMEM; on failure `out` keeps the cases made so far (all
 * well-formed). `out` is appended to (zero-initialised: empty). */
CF_WUR cf_rc cf_gen_cases_build(const cf_api *api, const cf_gen_cases_opts *opts, cf_gen_cases *out,
                                cf_gen_cases_stats *stats);

void cf_gen_cases_cleanup(cf_gen_cases *g);

/* Fills `s` from a step object of the suite case format (a single request's case object will
 * do): operation (resolved in `api`), path / query / headers / body / raw_body,
 * expect.success / error (a role, or a code) / status / allow, capture; `name` when the object
 * has none. The step borrows from `node` and points into `api`; its allow_codes array is
 * allocated (free() it). CF_OK, CF_E_NOMEM, CF_E_INVALID (no such operation: s->op NULL). */
CF_WUR cf_rc cf_gen_step_read(const cf_api *api, const cJSON *node, const char *name, cf_step *s);

/* Hands the cases over to a holder of cases (a cf_suite's or cf_spec's `cases`, `case_count`
 * and `generated`): appended to *cases (realloc'd; each case's index set to its position),
 * the JSON they borrow appended to *generated (created when NULL). The holder frees them
 * (cf_cases_free, cJSON_Delete). `g` is left empty. CF_OK, or CF_E_NOMEM with both sides
 * unchanged. */
CF_WUR cf_rc cf_gen_cases_move(cf_gen_cases *g, cf_case **cases, size_t *count, cJSON **generated);

/* Writes the cases as JSON lines, one case object a line, in order, in the suite case format:
 * {"id":..,"tags":[..],"operation":..,"headers":..,"path":..,"query":..,"body"|"raw_body":..,
 * "expect":{..}} or {"id":..,"tags":[..],"steps":[{"name":..,"operation":..,...,"capture":{..}},
 * ..]} (specs/README.md, suites v2).
 * Byte-identical for the same api, mode and seed. */
CF_WUR cf_rc cf_gen_cases_write(const cf_gen_cases *g, cf_buf *out);

#endif
