/* scheduler.c - the streaming scheduler: keeps --jobs requests in flight, sends a scenario's
 * next step the moment its previous one completes and hands every finished case out at once.
 * No batch and no barrier: a slow answer holds up only its own case. */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

typedef struct {
    run_ctx *rc;
    cf_transport *t;
    unsigned jobs;
    size_t next;          /* next position of the selection to start */
    size_t total;         /* selected cases times rounds */
    run_case *ready_head; /* cases whose next step waits for room, oldest first */
    run_case *ready_tail;
    run_case *parked; /* ended before any exchange reached the target: held until it is known
                         whether the target is reachable at all */
    run_case *live;   /* every case started and not yet handed out */
    int reached;      /* an exchange reached the target */
    int any_back;     /* an exchange came back (reached or not) */
} sched;

static void live_link(sched *s, run_case *cs)
{
    cs->live_next = s->live;
    if (s->live)
        s->live->live_prev = cs;
    s->live = cs;
}

static void live_unlink(sched *s, run_case *cs)
{
    if (cs->live_prev)
        cs->live_prev->live_next = cs->live_next;
    else
        s->live = cs->live_next;
    if (cs->live_next)
        cs->live_next->live_prev = cs->live_prev;
    cs->live_prev = cs->live_next = NULL;
}

/* Keeps a handed-out case in the run's result as opts->keep says; takes its contents. */
static cf_rc keep(run_ctx *rc, cf_case_result *res, size_t ordinal)
{
    cf_run_result *r = rc->result;
    if (rc->opts->keep == CF_RUN_KEEP_ALL) {
        cf_case_result *slot = &r->cases[rc->first_result + ordinal];
        cf_case_result_cleanup(slot);
        *slot = *res;
        memset(res, 0, sizeof(*res));
        return CF_OK;
    }
    int failed = res->ran && !res->passed;
    if (failed && r->kept_failed < CF_MAX_KEPT_FAILURES) {
        r->kept_failed++;
        return cf_run_result_take_case(r, res);
    }
    if (r->count - r->kept_failed < CF_MAX_KEPT_CASES) {
        cf_case_result_compact(res);
        return cf_run_result_take_case(r, res);
    }
    return cf_run_result_drop_case(r, res);
}

/* Hands a case to the sink and the progress line, keeps it, and frees what is left. */
static cf_rc emit_result(run_ctx *rc, cf_case_result *res, size_t ordinal)
{
    const cf_run_opts *o = rc->opts;
    cf_rc r = o->on_case ? o->on_case(o->on_case_user, res) : CF_OK;
    if (o->progress)
        o->progress(o->progress_user, res, rc->result->passed + rc->result->failed, 0);
    cf_rc k = keep(rc, res, ordinal);
    return r != CF_OK ? r : k;
}

static cf_rc emit(sched *s, run_case *cs)
{
    live_unlink(s, cs);
    cf_rc r = emit_result(s->rc, &cs->res, cs->ordinal);
    run_case_free(cs);
    return r;
}

/* A case ended: its verdict goes out at once, unless nothing has reached the target yet. */
static cf_rc ended(sched *s, run_case *cs)
{
    if (!s->reached) {
        cs->next = s->parked;
        s->parked = cs;
        return CF_OK;
    }
    run_case_finish(s->rc, cs);
    return emit(s, cs);
}

static cf_rc unpark(sched *s)
{
    cf_rc r = CF_OK;
    while (s->parked) {
        run_case *cs = s->parked;
        s->parked = cs->next;
        run_case_finish(s->rc, cs);
        cf_rc e = emit(s, cs);
        if (r == CF_OK)
            r = e;
    }
    return r;
}

static void ready_push(sched *s, run_case *cs)
{
    cs->next = NULL;
    if (s->ready_tail)
        s->ready_tail->next = cs;
    else
        s->ready_head = cs;
    s->ready_tail = cs;
}

static run_case *ready_pop(sched *s)
{
    run_case *cs = s->ready_head;
    s->ready_head = cs->next;
    if (!s->ready_head)
        s->ready_tail = NULL;
    cs->next = NULL;
    return cs;
}

/* One copy is back (or never left): judge the step once all its copies are. */
static cf_rc copy_back(sched *s, run_copy *cp)
{
    run_case *cs = cp->cs;
    const cf_response *resp = &cp->response;
    s->any_back = 1;
    if (!s->reached && (resp->status > 0 || !resp->unreachable)) {
        s->reached = 1;
        cf_rc r = unpark(s);
        if (r != CF_OK)
            return r;
    }
    if (--cs->pending > 0)
        return CF_OK;
    cf_rc r = run_step_judge(s->rc, cs);
    if (r != CF_OK)
        return r;
    if (cs->done)
        return ended(s, cs);
    ready_push(s, cs);
    return CF_OK;
}

/* The selection's k-th case. */
static const cf_case *selection_at(const run_ctx *rc, size_t k, unsigned *round)
{
    size_t n = rc->selected_count;
    *round = rc->repeat > 1 ? (unsigned)(k / n) + 1 : 0;
    return &rc->suite->cases[rc->selected[k % n]];
}

static unsigned copies_of(const cf_step *st)
{
    return st->parallel ? st->parallel : 1;
}

/* Sends what fits: waiting scenario steps first, then new cases. A parallel step waits until
 * all its copies fit, and nothing overtakes it meanwhile. While nothing has reached the
 * target, no new case starts after the first answer: the first wave tells whether the target
 * is there at all. */
static cf_rc fill(sched *s, volatile sig_atomic_t *stop)
{
    run_ctx *rc = s->rc;
    while (!(stop && *stop)) {
        run_case *cs = s->ready_head;
        unsigned round = 0;
        const cf_case *c = NULL;
        const cf_step *st;
        if (cs) {
            st = &cs->c->steps[cs->step];
        } else {
            if (s->next >= s->total || (!s->reached && s->any_back))
                return CF_OK;
            c = selection_at(rc, s->next, &round);
            st = &c->steps[0];
        }
        unsigned k = copies_of(st);
        unsigned cap = k > s->jobs ? k : s->jobs;
        if (cf_transport_active(s->t) + k > cap)
            return CF_OK;
        if (cs) {
            ready_pop(s);
        } else {
            if (!(cs = run_case_new(rc, c, round, s->next)))
                return CF_E_NOMEM;
            s->next++;
            live_link(s, cs);
        }
        cf_rc r = run_step_build(rc, cs);
        if (r != CF_OK)
            return r;
        if (cs->done) {
            if ((r = ended(s, cs)) != CF_OK)
                return r;
            continue;
        }
        /* Every copy goes in before the transport runs again, so they leave together. */
        unsigned n = cs->copy_count;
        run_copy *copies = cs->copies;
        for (unsigned i = 0; i < n; i++) {
            r = cf_transport_add(s->t, &copies[i].ex);
            if (r == CF_E_NOMEM)
                return r;
            if (r != CF_OK && (r = copy_back(s, &copies[i])) != CF_OK)
                return r; /* it never left: judged as it is */
        }
    }
    return CF_OK;
}

/* The run stops early: every case started and every case not started is handed out as not
 * run, so the streamed reports list the whole selection. */
static cf_rc hand_out_rest(sched *s)
{
    run_ctx *rc = s->rc;
    cf_rc r = CF_OK;
    s->parked = NULL; /* parked cases are live too */
    while (s->live) {
        run_case *cs = s->live;
        cs->res.ran = 0;
        cf_rc e = emit(s, cs);
        if (r == CF_OK)
            r = e;
    }
    for (; s->next < s->total && r == CF_OK; s->next++) {
        unsigned round;
        const cf_case *c = selection_at(rc, s->next, &round);
        if (rc->opts->keep == CF_RUN_KEEP_ALL) {
            /* The placeholder made at the start is the record. */
            const cf_run_opts *o = rc->opts;
            if (o->on_case)
                r = o->on_case(o->on_case_user, &rc->result->cases[rc->first_result + s->next]);
            continue;
        }
        run_case *cs = run_case_new(rc, c, round, s->next);
        if (!cs)
            return CF_E_NOMEM;
        r = emit_result(rc, &cs->res, cs->ordinal);
        run_case_free(cs);
    }
    return r;
}

static cf_rc loop(sched *s, volatile sig_atomic_t *stop, char *err, size_t errlen)
{
    run_ctx *rc = s->rc;
    for (;;) {
        if (stop && *stop)
            return CF_E_INTERRUPTED;
        cf_rc r = fill(s, stop);
        if (r != CF_OK)
            return r;
        if (cf_transport_active(s->t) == 0 && !s->ready_head) {
            if (!s->reached && s->any_back) {
                /* Nothing reached the target: say so once instead of failing every case. */
                rc->result->unreachable = 1;
                if (!rc->result->unreachable_why) {
                    rc->result->unreachable_why = rc->unreachable_why;
                    rc->unreachable_why = NULL;
                }
                snprintf(err, errlen, "target %s is unreachable: %s", rc->base_url,
                         rc->result->unreachable_why ? rc->result->unreachable_why : "");
                return CF_E_TRANSPORT;
            }
            if (s->next >= s->total)
                return unpark(s);
        }
        cf_exchange *done = NULL;
        if ((r = cf_transport_next(s->t, 100, &done)) != CF_OK)
            return r;
        if (done && (r = copy_back(s, (run_copy *)(void *)done)) != CF_OK)
            return r;
    }
}

cf_rc run_schedule(run_ctx *rc, char *err, size_t errlen)
{
    sched s;
    memset(&s, 0, sizeof(s));
    s.rc = rc;
    s.jobs = rc->opts->transport.jobs ? rc->opts->transport.jobs : 1;
    s.total = rc->selected_count * rc->repeat;
    /* Room for --jobs and for one parallel step's copies beyond it. */
    cf_transport_opts to = rc->opts->transport;
    to.jobs = s.jobs + CF_MAX_PARALLEL;
    cf_rc r = cf_transport_new(&to, &s.t);
    if (r != CF_OK) {
        snprintf(err, errlen, "cannot set up libcurl: %s", cf_strerror(r));
        return r;
    }
    r = loop(&s, rc->opts->stop, err, errlen);
    if (r != CF_OK) {
        if (r == CF_E_INTERRUPTED) {
            rc->result->incomplete = 1;
            snprintf(err, errlen, "interrupted");
        }
        cf_transport_abandon(s.t, r, "the run stopped before the response");
        cf_rc h = hand_out_rest(&s);
        if (h == CF_E_NOMEM)
            r = h;
    }
    cf_transport_free(s.t);
    return r;
}
