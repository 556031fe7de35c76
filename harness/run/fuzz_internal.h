/* fuzz_internal.h - what the campaign loop (fuzz.c), its inputs and mutants (fuzz_input.c), its
 * exchanges (fuzz_exchange.c) and its findings (fuzz_find.c) share. */
#ifndef CF_FUZZ_INTERNAL_H
#define CF_FUZZ_INTERNAL_H

#include <cjson/cJSON.h>

#include "base/bindings.h"
#include "check/result.h"
#include "gen/rng.h"
#include "http/request.h"
#include "http/response.h"
#include "run/fuzz.h"
#include "run/fuzz_plan.h"

/* Memory: an fz_input owns its step object and origin; fz_input_cleanup() frees them. An
 * fz_slot owns its input, its step's allow_codes, its request and response; fz_slot_cleanup()
 * frees them. An fz_op owns its captures, queue, pool and classes (fz_op_cleanup()); its plan
 * entry is borrowed from the campaign's plan. */

/* One request to send: a step object of the suite case format ("operation", "path", "query",
 * "headers", "body" or "raw_body", "expect"; strings are templates) and how it came about. */
typedef struct {
    cJSON *step;
    char *origin;  /* "gen:<case id>" or "<mutator> <where> of <parent>" */
    size_t op;     /* index of its operation in the plan */
    int fixed;     /* 1: a generated seed sent as is: its own "expect" holds; 0: the campaign's
                    * oracle decides (body schema and the parameters' validity) */
    int params_ok; /* fixed 0: 1 when no parameter holds a value known to be invalid */
} fz_input;

typedef struct {
    fz_input in;
    cf_step step; /* read from in.step; borrows it; allow_codes owned */
    cf_request req;
    cf_response resp;
    int built; /* 0: the input could not be made into a request (skipped) */
    int64_t received_ms;
} fz_slot;

/* Another value a generated request gives one path or query parameter (a donor for mutants):
 * borrowed from the plan. value NULL: the parameter left out. */
typedef struct {
    const char *where; /* "path" or "query" */
    const char *name;
    const cJSON *value;
    int valid; /* the generated request carrying it expects success */
} fz_donor;

/* An operation under fuzz: the captures its setup steps made, what is left to send and to
 * mutate from, and the response classes it drew. */
typedef struct {
    const cf_fuzz_plan_op *po;
    cf_bindings captures;
    int consumes_once; /* a success uses up what the setup made (ends it, moves its state) */
    int stale;         /* consumes_once: a success came back; the setup runs again first */
    int dead;          /* the setup failed: nothing more is sent for this operation */
    fz_input *queue;   /* sent before any mutant: seeds, then 429 resends */
    size_t qhead;
    size_t qcount;
    size_t qcap;
    fz_input *pool; /* inputs mutated from (CF_FUZZ_POOL_MAX) */
    size_t pool_count;
    uint64_t *classes;
    size_t class_count;
    fz_donor *donors;
    size_t donor_count;
    const cf_api_media *json; /* the JSON request body the oracle checks; NULL when none */
} fz_op;

typedef struct {
    const cf_api *api;
    const cf_fuzz_opts *o;
    cf_fuzz_result *r;
    cf_transport *t;
    cf_rng rng;
    cf_fuzz_plan plan;
    fz_op *ops;       /* plan.count of them */
    size_t token_seq; /* request number, for the {$token} values */
    size_t current;   /* the campaign request being judged (1-based) */
    double t0;        /* monotonic ms when the campaign began */
    char nonce[37];   /* per campaign: a rerun against the same server never repeats a token */
    char **keys;      /* "operation\ncheck\nstatus\ncode" of each finding, in r->findings order */
} fz;

void fz_input_cleanup(fz_input *in);
CF_WUR cf_rc fz_input_copy(const fz_input *in, fz_input *out);
void fz_slot_cleanup(fz_slot *s);
void fz_op_cleanup(fz_op *op);

/* fuzz_input.c: the seeds of operation `i` queued (each generated request as is) and the valid
 * ones pooled. CF_OK, CF_E_NOMEM. */
CF_WUR cf_rc fz_seed(fz *f, size_t i);
/* A new mutant of a pool input of operation `i`: its body mutated, or a path / query parameter
 * given another generated value, or both. CF_OK with nothing in *out when the pool is empty or
 * every draw failed; CF_E_NOMEM. */
CF_WUR cf_rc fz_mutant(fz *f, size_t i, fz_input *out);
/* Whether a seed step expects just {"success": true}: the oracle says the same of it, so it
 * may be mutated and minimised as the oracle judges. */
int fz_plain_success(const cJSON *seed);
/* Appends `in` (taken: left zeroed) to the operation's queue. CF_OK, CF_E_NOMEM. */
CF_WUR cf_rc fz_queue_push(fz_op *op, fz_input *in);
/* Keeps a copy of `in` to mutate from (no-op once the pool is full). */
CF_WUR cf_rc fz_pool_add(fz *f, fz_op *op, const fz_input *in);

/* fuzz_exchange.c: builds the request of s->in and sets the step's expectation (the seed's, or
 * the oracle's verdict on what will be sent). s->built stays 0 when the input cannot be built
 * (a mutated template): not an error. CF_E_NOMEM only. */
CF_WUR cf_rc fz_prepare(fz *f, fz_slot *s);
/* Finishes the response and runs every check on it into `c` (a fresh case result). */
CF_WUR cf_rc fz_judge(fz *f, fz_slot *s, cf_case_result *c);
/* Sends one prepared slot alone and waits for its answer (minimisation, setup). */
CF_WUR cf_rc fz_send_one(fz *f, fz_slot *s);
/* Runs operation `i`'s setup steps in order, captures bound (again when stale). A step that
 * does not succeed marks the operation dead. CF_OK, CF_E_TRANSPORT (the first exchange of the
 * campaign never reached the target: err says why), CF_E_INTERRUPTED, CF_E_NOMEM. */
CF_WUR cf_rc fz_setup(fz *f, size_t i, char *err, size_t errlen);

/* fuzz_find.c: looks at every failed check of `c` (the verdicts on slot `s`): a new
 * (operation, check, status, code) is minimised and recorded as a finding, a known one
 * counted. */
CF_WUR cf_rc fz_findings_note(fz *f, fz_slot *s, const cf_case_result *c);
void fz_findings_free_keys(fz *f);

#endif
