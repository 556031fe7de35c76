/* result.c - storage of run, case and check results. */
#include "check/result.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

static void free_exchanges(cf_case_result *c)
{
    for (size_t i = 0; i < c->exchange_count; i++) {
        free(c->exchanges[i].step);
        free(c->exchanges[i].request);
        free(c->exchanges[i].response);
        free(c->exchanges[i].curl);
    }
    free(c->exchanges);
}

void cf_case_result_cleanup(cf_case_result *c)
{
    if (!c)
        return;
    free(c->spec_file);
    free(c->spec_title);
    free(c->id);
    free(c->summary);
    for (size_t i = 0; i < c->tag_count; i++)
        free(c->tags[i]);
    free(c->tags);
    for (size_t i = 0; i < c->check_count; i++) {
        free(c->checks[i].id);
        free(c->checks[i].step);
        free(c->checks[i].expected);
        free(c->checks[i].actual);
    }
    free(c->checks);
    free_exchanges(c);
    free(c->replay);
    memset(c, 0, sizeof(*c));
}

void cf_case_result_compact(cf_case_result *c)
{
    free_exchanges(c);
    c->exchanges = NULL;
    c->exchange_count = c->exchange_cap = 0;
    for (size_t i = 0; i < c->check_count; i++) {
        cf_check_result *k = &c->checks[i];
        if (!k->passed)
            continue;
        free(k->step);
        free(k->expected);
        free(k->actual);
        k->step = k->expected = k->actual = NULL;
    }
}

cf_rc cf_run_result_take_case(cf_run_result *r, cf_case_result *c)
{
    cf_case_result *slot = cf_run_result_add_case(r);
    if (!slot)
        return CF_E_NOMEM;
    *slot = *c;
    memset(c, 0, sizeof(*c));
    return CF_OK;
}

void cf_run_result_cleanup(cf_run_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        cf_case_result_cleanup(&r->cases[i]);
    free(r->cases);
    free(r->unreachable_why);
    free(r->target);
    memset(r, 0, sizeof(*r));
}

cf_case_result *cf_run_result_add_case(cf_run_result *r)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        cf_case_result *cases = realloc(r->cases, cap * sizeof(*cases));
        if (!cases)
            return NULL;
        r->cases = cases;
        r->cap = cap;
    }
    cf_case_result *c = &r->cases[r->count++];
    memset(c, 0, sizeof(*c));
    return c;
}

cf_rc cf_case_add_check(cf_case_result *c, const char *id, int passed, const char *step,
                        const char *expected, const char *actual)
{
    if (c->check_count == c->check_cap) {
        size_t cap = c->check_cap ? c->check_cap * 2 : 16;
        cf_check_result *checks = realloc(c->checks, cap * sizeof(*checks));
        if (!checks)
            return CF_E_NOMEM;
        c->checks = checks;
        c->check_cap = cap;
    }
    cf_check_result k = {cf_strdup(id), passed, cf_strdup(step), cf_strdup(expected),
                         cf_strdup(actual)};
    if (!k.id || (step && !k.step) || (expected && !k.expected) || (actual && !k.actual)) {
        free(k.id);
        free(k.step);
        free(k.expected);
        free(k.actual);
        return CF_E_NOMEM;
    }
    c->checks[c->check_count++] = k;
    return CF_OK;
}

cf_rc cf_case_add_exchange(cf_case_result *c, char *step, char *request, char *response, char *curl,
                           long status, double elapsed_ms)
{
    if (c->exchange_count == c->exchange_cap) {
        size_t cap = c->exchange_cap ? c->exchange_cap * 2 : 4;
        cf_exchange_record *ex = realloc(c->exchanges, cap * sizeof(*ex));
        if (!ex) {
            free(step);
            free(request);
            free(response);
            free(curl);
            return CF_E_NOMEM;
        }
        c->exchanges = ex;
        c->exchange_cap = cap;
    }
    c->exchanges[c->exchange_count++] =
        (cf_exchange_record){step, request, response, curl, status, elapsed_ms, 0, 0};
    return CF_OK;
}
