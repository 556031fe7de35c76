/* runner.c - the runner's entry: which cases a run selects, and one suite's run set up for the
 * streaming scheduler (scheduler.c) and the step judge (step.c). */
#include "run/runner.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "run/internal.h"

void cf_run_opts_init(cf_run_opts *o)
{
    memset(o, 0, sizeof(*o));
    cf_transport_opts_init(&o->transport);
}

static uint32_t fnv1a(const char *s, uint32_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int cf_run_selects(const cf_run_opts *o, const cf_case *c, size_t index)
{
    (void)index;
    if (!c->id)
        return 0;
    if (o->filter && fnmatch(o->filter, c->id, 0) != 0)
        return 0;
    if (o->tag_count) {
        int any = 0;
        for (size_t i = 0; i < o->tag_count && !any; i++)
            for (size_t t = 0; t < c->tag_count && !any; t++)
                any = strcmp(o->tags[i], c->tags[t]) == 0;
        if (!any)
            return 0;
    }
    /* Sharding by a hash of the id: stable when cases are added or reordered. */
    if (o->shard_n > 1 && fnv1a(c->id, 2166136261u) % o->shard_n != o->shard_k - 1)
        return 0;
    return 1;
}

/* CF_RUN_KEEP_ALL: one record per selected case, in selection order, made before the run so
 * that a case not run is still listed; the scheduler replaces each as its case ends. */
static cf_rc add_placeholders(run_ctx *rc)
{
    size_t total = rc->selected_count * rc->repeat;
    rc->first_result = rc->result->count;
    for (size_t k = 0; k < total; k++) {
        size_t n = rc->selected_count;
        unsigned round = rc->repeat > 1 ? (unsigned)(k / n) + 1 : 0;
        run_case *cs = run_case_new(rc, &rc->suite->cases[rc->selected[k % n]], round, k);
        cf_rc r = cs ? cf_run_result_take_case(rc->result, &cs->res) : CF_E_NOMEM;
        run_case_free(cs);
        if (r != CF_OK)
            return r;
    }
    return CF_OK;
}

cf_rc cf_run_suite(const cf_suite *suite, const cf_run_opts *opts, cf_run_result *result, char *err,
                   size_t errlen)
{
    run_ctx rc = {suite, suite->api, opts, result, opts->secrets, opts->base_url, NULL, 0,
                  NULL,  0,          1,    NULL,   NULL};
    size_t *selected = NULL;
    cf_rc r = CF_OK;
    if (!rc.base_url) {
        snprintf(err, errlen, "no target to send requests to");
        return CF_E_USAGE;
    }
    rc.repeat = opts->repeat > 1 ? opts->repeat : 1;
    selected = calloc(suite->case_count ? suite->case_count : 1, sizeof(*selected));
    if (!selected) {
        r = CF_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < suite->case_count; i++)
        if (cf_run_selects(opts, &suite->cases[i], i))
            selected[rc.selected_count++] = i;
    rc.selected = selected;
    if (rc.selected_count == 0)
        goto out;
    if ((r = run_rerun_prepare(&rc)) != CF_OK)
        goto out;
    if (opts->keep == CF_RUN_KEEP_ALL && (r = add_placeholders(&rc)) != CF_OK)
        goto out;
    r = run_schedule(&rc, err, errlen);
out:
    if (r == CF_E_NOMEM && errlen)
        snprintf(err, errlen, "out of memory");
    free(selected);
    free(rc.unreachable_why);
    free(rc.rerun_head);
    free(rc.rerun_tail);
    return r;
}
