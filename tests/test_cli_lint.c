/* test_cli_lint.c - `conform lint` and the top-level CLI: exit status and messages a user
 * sees for good and broken specs and bad arguments. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_child.h"

#define SPECS CONFORM_SOURCE_DIR "/specs/connect-participant"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/conform-lint-XXXXXX");
    cr_assert_not_null(path);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(cli_lint, bundled_specs_are_valid_and_exit_zero, .timeout = 30)
{
    const char *args[] = {"lint", SPECS, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "stderr: %s", cf_buf_str(&p.err));
    cr_expect(strstr(cf_buf_str(&p.out), "start-attachment-upload.json: ok") != NULL, "%s",
              cf_buf_str(&p.out));
    cr_expect(strstr(cf_buf_str(&p.out), "start-attachment-upload.aws.json: ok") != NULL, "%s",
              cf_buf_str(&p.out));
    cf_child_cleanup(&p);
}

Test(cli_lint, broken_spec_exits_two_naming_file_path_and_problem, .timeout = 30)
{
    char *path = write_temp("{\"conform\":1,\"title\":5,\"cases\":[]}");
    const char *args[] = {"lint", path, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 2);
    char want[512];
    snprintf(want, sizeof(want), "%s:/title: \"title\" must be a string", path);
    cr_expect(strstr(cf_buf_str(&p.err), want) != NULL, "missing \"%s\" in: %s", want,
              cf_buf_str(&p.err));
    cr_expect(strstr(cf_buf_str(&p.err), ":/: missing required member \"operation\"") != NULL, "%s",
              cf_buf_str(&p.err));
    cr_expect(strstr(cf_buf_str(&p.err), "invalid") != NULL);
    cf_child_cleanup(&p);
    unlink(path);
    free(path);
}

Test(cli_lint, one_bad_file_among_good_ones_still_fails, .timeout = 30)
{
    char *path = write_temp("not json at all");
    const char *args[] = {"lint", SPECS, path, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 2);
    cr_expect(strstr(cf_buf_str(&p.out), ".aws.json: ok") != NULL, "good files are still reported");
    cr_expect(strstr(cf_buf_str(&p.err), "not valid JSON") != NULL, "%s", cf_buf_str(&p.err));
    cf_child_cleanup(&p);
    unlink(path);
    free(path);
}

Test(cli_lint, bad_arguments_exit_two_with_a_message, .timeout = 30)
{
    static const struct {
        const char *args[4];
        int status;
        const char *message;
    } cases[] = {
        {{"lint", NULL}, 2, "usage: conform lint"},
        {{"lint", "--bogus", NULL}, 2, "unknown option --bogus"},
        {{"lint", "/nonexistent/spec.json", NULL}, 2, "No such file"},
        {{"frobnicate", NULL}, 2, "unknown command"},
        {{NULL}, 2, "usage: conform"},
        {{"--version", NULL}, 0, NULL},
        {{"--help", NULL}, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_child p;
        cf_child_run(&p, NULL, NULL, cases[i].args);
        int st = p.status;
        if (cases[i].status >= 0)
            cr_expect_eq(st, cases[i].status, "case %zu: exit %d, stderr %s", i, st,
                         cf_buf_str(&p.err));
        else
            cr_expect(st == 0 || st == 2, "case %zu: exit %d", i, st);
        if (cases[i].message)
            cr_expect(strstr(cf_buf_str(&p.err), cases[i].message) ||
                          strstr(cf_buf_str(&p.out), cases[i].message),
                      "case %zu: no \"%s\" in %s", i, cases[i].message, cf_buf_str(&p.err));
        cf_child_cleanup(&p);
    }
}
