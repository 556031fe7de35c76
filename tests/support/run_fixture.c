/* run_fixture.c - in-process spec runs against targets and fault proxies, for tests. */
#include "run_fixture.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"

const char *cf_test_spec_file(int aws)
{
    return aws ? AWS_SPEC : ENVELOPE_SPEC;
}

/* ---- a run of one spec against one target ------------------------------------------------- */

cf_suite *cf_test_load_suite(const char *file)
{
    cf_suite *suite = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_suite_load_file(file, &suite, &d);
    cr_assert_eq(rc, CF_OK, "%s: %s %s", file, cf_strerror(rc), d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    return suite;
}

/* Runs the cases of `file` matching `filter` (NULL: all) against `target`. */
void cf_test_run_target(cf_test_run *r, const char *file, const char *target, const char *filter)
{
    if (!r->suite)
        r->suite = cf_test_load_suite(file);
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.filter = filter;
    o.transport.jobs = 16;
    o.transport.timeout_ms = 15000;
    r->rc = cf_cli_target_run(r->suite, target, NULL, &o, &r->result, r->err, sizeof(r->err));
}

/* Starts a fault proxy for `file` (fault NULL: conforming) and runs against it. */
void cf_test_run_fault(cf_test_run *r, int aws, const char *fault, const char *filter)
{
    memset(r, 0, sizeof(*r));
    char err[512] = "";
    cf_fault_proxy_opts po = {cf_test_spec_file(aws), fault, NULL, 0};
    r->proxy = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(r->proxy, "fault proxy %s: %s", fault ? fault : "none", err);
    cf_test_run_target(r, cf_test_spec_file(aws), cf_fault_proxy_url(r->proxy), filter);
}

void cf_test_run_cleanup(cf_test_run *r)
{
    cf_run_result_cleanup(&r->result);
    cf_fault_proxy_stop(r->proxy);
    cf_suite_free(r->suite);
    memset(r, 0, sizeof(*r));
}

const cf_case_result *cf_test_find_case(const cf_run_result *res, const char *id)
{
    for (size_t i = 0; i < res->count; i++)
        if (strcmp(res->cases[i].id, id) == 0)
            return &res->cases[i];
    return NULL;
}

/* The first failed check with that id on the case; NULL when it held or did not run. */
const cf_check_result *cf_test_failed_check(const cf_case_result *c, const char *id)
{
    for (size_t i = 0; c && i < c->check_count; i++)
        if (!c->checks[i].passed && strcmp(c->checks[i].id, id) == 0)
            return &c->checks[i];
    return NULL;
}

/* "case: check (actual); ..." for every failed check, for assertion messages. */
char *cf_test_failures(const cf_run_result *res)
{
    cf_buf b;
    cf_buf_init(&b, 64 * 1024);
    for (size_t i = 0; i < res->count; i++)
        for (size_t k = 0; k < res->cases[i].check_count; k++) {
            const cf_check_result *c = &res->cases[i].checks[k];
            if (!c->passed && cf_buf_addf(&b, "%s: %s (%s); ", res->cases[i].id, c->id,
                                          c->actual ? c->actual : "") != CF_OK)
                return cf_buf_take(&b);
        }
    if (cf_buf_adds(&b, "") != CF_OK)
        return NULL;
    return cf_buf_take(&b);
}

/* The failed case ids, space-separated in spec order. */
char *cf_test_failed_cases(const cf_run_result *res)
{
    cf_buf b;
    cf_buf_init(&b, 64 * 1024);
    const char *sep = "";
    for (size_t i = 0; i < res->count; i++)
        if (!res->cases[i].passed) {
            cr_assert_eq(cf_buf_addf(&b, "%s%s", sep, res->cases[i].id), CF_OK);
            sep = " ";
        }
    cr_assert_eq(cf_buf_adds(&b, ""), CF_OK);
    return cf_buf_take(&b);
}
