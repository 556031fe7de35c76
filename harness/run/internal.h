/* internal.h - what the runner's files share: one run's state, a case in flight and the
 * copies of its current step.
 *
 * Memory: a run_case owns its bindings, its cf_case_result being built and its step copies
 * (run_case_free() releases all); a run_copy owns its request and response. The run_ctx
 * borrows the suite, options and result of cf_run_suite() and owns unreachable_why and the
 * rerun line's parts. */
#ifndef CF_RUN_INTERNAL_H
#define CF_RUN_INTERNAL_H

#include <stddef.h>

#include "run/runner.h"

typedef struct run_case run_case;

/* One copy of a step on the wire. `ex` comes first: the transport hands back &copy->ex. */
typedef struct {
    cf_exchange ex;
    run_case *cs;
    unsigned copy; /* 0-based copy of a parallel step */
    cf_request request;
    cf_response response;
} run_copy;

/* A case on its way through its steps. */
struct run_case {
    const cf_case *c;
    unsigned round;       /* repetition (1-based) or 0 when not repeated */
    size_t ordinal;       /* position in the selection: where CF_RUN_KEEP_ALL keeps it */
    size_t step;          /* step in flight or next to leave */
    int done;             /* no further step leaves */
    cf_bindings captures; /* {@name} */
    cf_bindings tokens;   /* {$token:label} -> value, fixed for the case */
    cf_case_result res;   /* being built; handed to the sink when the case ends */
    run_copy *copies;     /* the current step's copies, `pending` of them still out */
    unsigned copy_count;
    unsigned pending;
    run_case *next;      /* in the scheduler's ready queue or parked list */
    run_case *live_prev; /* every case started and not yet handed out */
    run_case *live_next;
};

/* Everything one suite's run shares. */
typedef struct {
    const cf_suite *suite;
    const cf_api *api; /* suite->api */
    const cf_run_opts *opts;
    cf_run_result *result;
    const cf_secrets *secrets; /* the spec's variables and what to mask */
    const char *base_url;
    char *unreachable_why;  /* curl's words for the first exchange that never reached the target */
    size_t first_result;    /* CF_RUN_KEEP_ALL: index of this suite's first case in result */
    const size_t *selected; /* indices of the selected suite cases */
    size_t selected_count;
    unsigned repeat;  /* rounds of the selection (1: no "#k" suffix) */
    char *rerun_head; /* every case's rerun line up to its id: "conform run FLAGS --filter " */
    char *rerun_tail; /* and after it: " 'SPEC'" */
} run_ctx;

/* step.c: the parts of a rerun line every case of the run shares (rc->rerun_head and
 * rc->rerun_tail, freed by the caller). CF_E_NOMEM, also when they pass CF_RERUN_MAX. */
CF_WUR cf_rc run_rerun_prepare(run_ctx *rc);

/* step.c: a new case in flight with its result's names filled in (not run yet). NULL when
 * out of memory. */
run_case *run_case_new(run_ctx *rc, const cf_case *c, unsigned round, size_t ordinal);
void run_case_free(run_case *cs);

/* step.c: builds the copies of the case's current step. CF_OK with copy_count > 0 when they
 * are ready to leave; CF_OK with the case done when a request could not be built (the
 * request.build check says why); CF_E_NOMEM. */
CF_WUR cf_rc run_step_build(run_ctx *rc, run_case *cs);

/* step.c: judges every copy of the step that just completed (in copy order), the parallel
 * consistency, records and captures, frees the copies and moves the case to its next step
 * (or done). CF_E_NOMEM only. */
CF_WUR cf_rc run_step_judge(run_ctx *rc, run_case *cs);

/* step.c: frees the copies of the current step without judging them. */
void run_step_drop(run_case *cs);

/* step.c: the case's verdict from its checks, added to the run's stats. */
void run_case_finish(run_ctx *rc, run_case *cs);

/* scheduler.c: runs the selection (selected_count cases times repeat rounds), streaming. */
CF_WUR cf_rc run_schedule(run_ctx *rc, char *err, size_t errlen);

#endif
