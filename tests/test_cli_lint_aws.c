/* test_cli_lint_aws.c - `conform lint` on AWS models and overlays (detected by content), and
 * `conform run` leaving them to suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cli_child.h"

#define DIR CONFORM_SOURCE_DIR "/specs/connect-participant"

Test(cli_lint_aws, bundled_models_and_overlay_lint_clean, .timeout = 60)
{
    const char *args[] = {"lint", DIR "/connectparticipant-2018-09-07.json",
                          DIR "/connectparticipant-2018-09-07.service-2.json",
                          DIR "/connectparticipant.overlay.json", NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "stderr: %s", cf_buf_str(&p.err));
    const char *out = cf_buf_str(&p.out);
    cr_expect(strstr(out, "connectparticipant-2018-09-07.json: ok (11 operations)"), "%s", out);
    cr_expect(strstr(out, "service-2.json: ok (11 operations)"), "%s", out);
    cr_expect(strstr(out, "connectparticipant.overlay.json: ok (overlay, applied to 2 models)"),
              "%s", out);
    cf_child_cleanup(&p);
}

Test(cli_lint_aws, another_protocol_exits_two_naming_file_pointer_and_protocol, .timeout = 60)
{
    char path[] = "/tmp/conform-lint-aws-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *model = "{\"smithy\":\"2.0\",\"shapes\":{\"ex#S\":{\"type\":\"service\","
                        "\"traits\":{\"aws.protocols#awsJson1_1\":{}}}}}";
    cr_assert_eq(write(fd, model, strlen(model)), (ssize_t)strlen(model));
    close(fd);
    const char *args[] = {"lint", path, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 2);
    char want[256];
    snprintf(want, sizeof(want), "%s:/shapes/ex#S: protocol awsJson1_1 is not supported", path);
    cr_expect(strstr(cf_buf_str(&p.err), want), "missing \"%s\" in: %s", want, cf_buf_str(&p.err));
    cf_child_cleanup(&p);
    unlink(path);
}

/* The models the overlay names are not run on their own, and without a word: the overlay
 * stands for them (and has no cases of its own until generation adds some). */
Test(cli_lint_aws, run_on_the_folder_skips_models_and_runs_the_v1_specs, .timeout = 120)
{
    char dir[] = "/tmp/conform-run-aws-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *args[] = {"run", "--report-dir", dir, "--filter", "positive.example", DIR, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 0, "stdout %s\nstderr %s", cf_buf_str(&p.out), cf_buf_str(&p.err));
    cr_expect_null(strstr(cf_buf_str(&p.err), "skipping"), "%s", cf_buf_str(&p.err));
    cr_expect(strstr(cf_buf_str(&p.out), "2 passed"), "%s", cf_buf_str(&p.out));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}
