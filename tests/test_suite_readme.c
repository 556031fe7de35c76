/* test_suite_readme.c - the worked example of specs/README.md ("A worked example: a plain REST
 * API"), straight from the page: its two blocks are the files in specs/examples/, both lint
 * clean, and the suite passes against the contract's own mock with no false failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cli_child.h"

#define SRC CONFORM_SOURCE_DIR "/"
#define CONTRACT "specs/examples/posts.openapi.yaml"
#define SUITE "specs/examples/posts.suite.json"

/* The fenced block right after "<!-- file: NAME -->" in the page; a new string. */
static char *block_for(const char *page, const char *name)
{
    char marker[256];
    snprintf(marker, sizeof marker, "<!-- file: %s -->\n```", name);
    const char *at = strstr(page, marker);
    cr_assert_not_null(at, "specs/README.md has no block marked %s", marker);
    const char *start = strchr(at + strlen(marker), '\n');
    cr_assert_not_null(start);
    start++;
    const char *end = strstr(start, "\n```");
    cr_assert_not_null(end, "the block of %s is not closed", name);
    size_t n = (size_t)(end - start) + 1; /* with its last newline, as the file has */
    char *out = malloc(n + 1);
    cr_assert_not_null(out);
    memcpy(out, start, n);
    out[n] = '\0';
    return out;
}

Test(suite_readme, blocks_are_the_example_files, .timeout = 30)
{
    char *page = cf_test_read_file(SRC "specs/README.md", NULL);
    cr_assert_not_null(page);
    const char *files[] = {CONTRACT, SUITE};
    for (size_t i = 0; i < 2; i++) {
        char *block = block_for(page, files[i]);
        char path[512];
        snprintf(path, sizeof path, SRC "%s", files[i]);
        char *file = cf_test_read_file(path, NULL);
        cr_assert_not_null(file, "%s", path);
        cr_expect_str_eq(block, file, "the README's block and %s differ", files[i]);
        free(file);
        free(block);
    }
    free(page);
}

Test(suite_readme, example_lints_clean, .timeout = 60)
{
    const char *args[] = {"lint", SUITE, CONTRACT, NULL};
    cf_child p;
    cf_child_run(&p, CONFORM_SOURCE_DIR, NULL, args);
    cr_assert_eq(p.status, 0, "%s", cf_buf_str(&p.err));
    cr_expect_str_eq(cf_buf_str(&p.err), "", "no warning either");
    cr_expect(strstr(cf_buf_str(&p.out), SUITE ": ok (suite v2, 2 cases; contract "
                                               "specs/examples/posts.openapi.yaml, 2 operations)"),
              "%s", cf_buf_str(&p.out));
    cf_child_cleanup(&p);
}

Test(suite_readme, example_runs_against_its_mock_without_false_failure, .timeout = 120)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof dir);
    const char *args[] = {"run", "--target", "mock", "--report-dir", dir, "--quiet", SUITE, NULL};
    cf_child p;
    cf_child_run(&p, CONFORM_SOURCE_DIR, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, cf_buf_str(&p.out), cf_buf_str(&p.err));
    cJSON *report = cf_test_load_report(dir);
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(report, "stats");
    const cJSON *failed = cJSON_GetObjectItemCaseSensitive(stats, "failed");
    cr_expect(cJSON_IsNumber(failed) && failed->valuedouble == 0, "no case failed");
    const char *ids[] = {"create-then-get", "get-unknown"};
    for (size_t i = 0; i < 2; i++) {
        int found = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
            found |= cJSON_IsString(id) && strcmp(id->valuestring, ids[i]) == 0;
        }
        cr_expect(found, "case %s was run", ids[i]);
    }
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}
