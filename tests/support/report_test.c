/* report_test.c - what report tests share (see report_test.h). */
#include "report_test.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_child.h"
#include "fault_proxy.h"
#include "report/report.h"

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

char *cf_test_render(cf_rc (*writer)(const cf_run_result *, cf_buf *), const cf_run_result *r)
{
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    cr_assert_eq(writer(r, &b), CF_OK);
    char *s = cf_buf_take(&b);
    return s ? s : cf_test_dup("");
}

char *cf_test_console(const cf_run_result *r, int color, int verbose)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cf_report_console(r, f, color, verbose);
    cr_assert_eq(fclose(f), 0);
    cr_assert_not_null(text);
    return text;
}

size_t cf_test_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

void cf_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

int cf_test_python(const char *dir, const char *script, const char *arg)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/check.py", dir);
    cf_test_write_file(path, script);
    const char *args[] = {path, arg, NULL};
    cf_child p;
    cf_child_spawn(&p, "python3", NULL, NULL, args);
    cf_child_finish(&p);
    if (p.status != 0)
        cr_log_error("python3 %s: exit %d\n%s%s", path, p.status, cf_buf_str(&p.out),
                     cf_buf_str(&p.err));
    int ok = p.status == 0;
    cf_child_cleanup(&p);
    unlink(path);
    return ok;
}
