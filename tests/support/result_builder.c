/* result_builder.c - run results assembled by hand for report tests. */
#include "result_builder.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cf_test_dup(const char *s)
{
    char *p = strdup(s);
    cr_assert_not_null(p);
    return p;
}

cf_case_result *cf_test_add_case(cf_run_result *r, const char *file, const char *title,
                                 const char *id, const char *summary, int ran, int passed,
                                 double ms)
{
    cf_case_result *c = cf_run_result_add_case(r);
    cr_assert_not_null(c);
    c->spec_file = cf_test_dup(file);
    c->spec_title = cf_test_dup(title);
    c->id = cf_test_dup(id);
    c->summary = summary ? cf_test_dup(summary) : NULL;
    char replay[512];
    snprintf(replay, sizeof(replay), "conform run --filter '%s' %s", id, file);
    c->replay = cf_test_dup(replay);
    c->tags = calloc(2, sizeof(*c->tags));
    cr_assert_not_null(c->tags);
    c->tags[c->tag_count++] = cf_test_dup("smoke");
    c->tags[c->tag_count++] = cf_test_dup(id);
    c->ran = ran;
    c->passed = passed;
    c->duration_ms = ms;
    return c;
}

void cf_test_add_check(cf_case_result *c, const char *id, int passed, const char *step,
                       const char *expected, const char *actual)
{
    cr_assert_eq(cf_case_add_check(c, id, passed, step, expected, actual), CF_OK);
}

cf_exchange_record *cf_test_add_exchange(cf_case_result *c, const char *step, const char *request,
                                         const char *response, const char *curl, long status,
                                         double ms)
{
    cr_assert_eq(cf_case_add_exchange(c, cf_test_dup(step), cf_test_dup(request),
                                      cf_test_dup(response), cf_test_dup(curl), status, ms),
                 CF_OK);
    return &c->exchanges[c->exchange_count - 1];
}
