/* test_cli_lint.c - `conform lint` and the top-level CLI: exit status and messages a user
 * sees for good and broken specs and bad arguments. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

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
    const char *argv[] = {CF_TEST_CONFORM, "lint", SPECS, NULL};
    cf_test_proc p;
    cr_assert_eq(cf_test_proc_run(argv, NULL, 0, 20, &p), 0, "stderr: %s", p.err);
    cr_expect(strstr(p.out, "start-attachment-upload.json: ok") != NULL, "%s", p.out);
    cr_expect(strstr(p.out, "start-attachment-upload.aws.json: ok") != NULL, "%s", p.out);
    cf_test_proc_cleanup(&p);
}

Test(cli_lint, broken_spec_exits_two_naming_file_path_and_problem, .timeout = 30)
{
    char *path = write_temp("{\"conform\":1,\"title\":5,\"cases\":[]}");
    const char *argv[] = {CF_TEST_CONFORM, "lint", path, NULL};
    cf_test_proc p;
    cr_assert_eq(cf_test_proc_run(argv, NULL, 0, 20, &p), 2);
    char want[512];
    snprintf(want, sizeof(want), "%s:/title: \"title\" must be a string", path);
    cr_expect(strstr(p.err, want) != NULL, "missing \"%s\" in: %s", want, p.err);
    cr_expect(strstr(p.err, ":/: missing required member \"operation\"") != NULL, "%s", p.err);
    cr_expect(strstr(p.err, "invalid") != NULL);
    cf_test_proc_cleanup(&p);
    unlink(path);
    free(path);
}

Test(cli_lint, one_bad_file_among_good_ones_still_fails, .timeout = 30)
{
    char *path = write_temp("not json at all");
    const char *argv[] = {CF_TEST_CONFORM, "lint", SPECS, path, NULL};
    cf_test_proc p;
    cr_assert_eq(cf_test_proc_run(argv, NULL, 0, 20, &p), 2);
    cr_expect(strstr(p.out, ".aws.json: ok") != NULL, "good files are still reported");
    cr_expect(strstr(p.err, "not valid JSON") != NULL, "%s", p.err);
    cf_test_proc_cleanup(&p);
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
        {{"lint", "/tmp", NULL}, -1, NULL}, /* /tmp may hold other json; only no crash */
        {{"frobnicate", NULL}, 2, "unknown command"},
        {{NULL}, 2, "usage: conform"},
        {{"--version", NULL}, 0, NULL},
        {{"--help", NULL}, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[6] = {CF_TEST_CONFORM};
        for (size_t k = 0; k < 4 && cases[i].args[k]; k++)
            argv[k + 1] = cases[i].args[k];
        cf_test_proc p;
        int st = cf_test_proc_run(argv, NULL, 0, 20, &p);
        if (cases[i].status >= 0)
            cr_expect_eq(st, cases[i].status, "case %zu: exit %d, stderr %s", i, st, p.err);
        else
            cr_expect(st == 0 || st == 2, "case %zu: exit %d", i, st);
        if (cases[i].message)
            cr_expect(strstr(p.err, cases[i].message) || strstr(p.out, cases[i].message),
                      "case %zu: no \"%s\" in %s", i, cases[i].message, p.err);
        cf_test_proc_cleanup(&p);
    }
}
