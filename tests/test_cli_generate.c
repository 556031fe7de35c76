/* test_cli_generate.c - `conform run --generate/--seed/--max-generated`: the flags, and the
 * planted faults of the fault proxy that only generated cases catch. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "cli_child.h"
#include "fault_proxy.h"
#include "report_test.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"
#define AWS CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.aws.json"
#define BIG CONFORM_SOURCE_DIR "/tests/data/gen-big-number.json"
#define OP "gen.StartAttachmentUpload."

/* ---- flags -------------------------------------------------------------------------------- */

static void usage_error(const char *flag, const char *value, const char *says)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run", "--report-dir", dir, flag, value, SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 2, "%s %s: exit %d", flag, value, p.status);
    cr_expect_not_null(strstr(cf_buf_str(&p.err), says), "%s %s: %s", flag, value,
                       cf_buf_str(&p.err));
    cr_expect_null(cf_test_slurp(dir, "report.json"), "no report after a usage error");
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_generate, bad_values_are_usage_errors, .timeout = 60)
{
    usage_error("--generate", "some", "--generate expects none, positive or all, got \"some\"");
    usage_error("--generate", "", "--generate expects none, positive or all");
    usage_error("--seed", "-1", "--seed expects an integer 0..9007199254740991, got \"-1\"");
    usage_error("--seed", "9007199254740992", "--seed expects an integer 0..9007199254740991");
    usage_error("--seed", "x", "--seed expects an integer");
    usage_error("--max-generated", "0", "--max-generated expects an integer 1..1000000");
    usage_error("--max-generated", "1e3", "--max-generated expects an integer");
}

/* Runs SPEC against the embedded mock with extra flags; the report (caller frees) and stdout. */
static cJSON *run_mock(const char *const *flags, char **out)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[16] = {"run", "--report-dir", dir};
    size_t n = 3;
    for (; *flags && n < 14; flags++)
        args[n++] = *flags;
    args[n++] = SPEC;
    args[n] = NULL;
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cJSON *report = cf_test_load_report(dir);
    cr_assert_not_null(report);
    *out = cf_strdup(cf_buf_str(&p.out));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    return report;
}

/* Cases of the report whose id starts with `prefix`, and how many of those carry `tag`. */
static size_t count_cases(const cJSON *report, const char *prefix, const char *tag, size_t *tagged)
{
    size_t n = 0;
    *tagged = 0;
    const cJSON *c, *t;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
    {
        const char *id = cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring;
        if (strncmp(id, prefix, strlen(prefix)) != 0)
            continue;
        n++;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c, "tags"))
        {
            *tagged += strcmp(t->valuestring, tag) == 0;
        }
    }
    return n;
}

Test(cli_generate, modes_cap_seed_and_filter, .timeout = 60)
{
    char *out = NULL;
    size_t tagged = 0;
    const char *none[] = {"--generate", "none", NULL};
    cJSON *r = run_mock(none, &out);
    cr_expect_eq(count_cases(r, "gen.", "generated", &tagged), 0);
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(r, "seed"), "no seed without generation");
    cr_expect_null(strstr(out, "generated"), "%s", out);
    cJSON_Delete(r);
    free(out);

    const char *all[] = {"--seed", "42", NULL};
    r = run_mock(all, &out);
    size_t n_all = count_cases(r, "gen.", "generated", &tagged);
    cr_expect_eq(tagged, n_all);
    cr_expect_eq(n_all, 117, "README gives 117 for this operation");
    cr_expect_eq(count_cases(r, "gen.", "negative", &tagged), n_all);
    cr_expect_gt(tagged, 0);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(r, "seed")->valuedouble, 42);
    const cJSON *last = NULL;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "cases")) last = c;
    const char *replay = cJSON_GetObjectItemCaseSensitive(last, "replay")->valuestring;
    cr_expect_not_null(strstr(replay, "--seed 42 --filter 'gen."), "%s", replay);
    cr_expect_not_null(strstr(out, "generated 117 cases (--generate all, seed 42)"), "%s", out);
    cJSON_Delete(r);
    free(out);

    const char *pos[] = {"--generate", "positive", NULL};
    r = run_mock(pos, &out);
    size_t n_pos = count_cases(r, "gen.", "negative", &tagged);
    cr_expect_eq(tagged, 0, "--generate positive sends only valid requests");
    cr_expect_gt(n_pos, 0);
    cr_expect_lt(n_pos, n_all);
    cr_expect_eq(count_cases(r, OP "auth.", "auth", &tagged), 0);
    cJSON_Delete(r);
    free(out);

    const char *cap[] = {"--max-generated", "5", "--filter", "gen.*", NULL};
    r = run_mock(cap, &out);
    cr_expect_eq(count_cases(r, "", "generated", &tagged), 5, "only generated cases, 5 of them");
    cr_expect_eq(tagged, 5);
    cr_expect_not_null(strstr(out, "over --max-generated"), "%s", out);
    cJSON_Delete(r);
    free(out);
}

/* ---- planted faults ----------------------------------------------------------------------- */

/* `fault` on `spec` makes `conform run` fail (exit 1) and name the generated case `id`. */
static void caught(const char *spec, const char *fault, const char *id)
{
    cf_fault_proxy *fp = cf_test_fault_proxy(spec, fault);
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {
        "run", "--verbose", "--report-dir", dir, "--target", cf_fault_proxy_url(fp), spec, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    const char *out = cf_buf_str(&p.out);
    cr_expect_eq(p.status, 1, "%s: exit %d\n%s", fault, p.status, cf_buf_str(&p.err));
    cr_expect_gt(cf_fault_proxy_applied(fp), 0, "%s never fired", fault);
    char line[256];
    snprintf(line, sizeof line, ".json %s\n", id); /* "FAIL <spec> <case id>" */
    cr_expect_not_null(strstr(out, line), "%s: %s not named:\n%s", fault, id, out);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

Test(cli_generate, catches_a_500_on_metacharacters, .timeout = 60)
{
    caught(SPEC, "5xx-on-metacharacters", OP "AttachmentName.json-meta.min");
    caught(AWS, "5xx-on-metacharacters", OP "AttachmentName.shell-meta.max");
}

Test(cli_generate, catches_a_500_on_control_characters, .timeout = 60)
{
    caught(SPEC, "5xx-on-control-characters", OP "AttachmentName.control.min");
}

Test(cli_generate, catches_a_500_on_astral_characters, .timeout = 60)
{
    caught(SPEC, "5xx-on-astral", OP "AttachmentName.emoji.min");
    caught(AWS, "5xx-on-astral", OP "ClientToken.emoji.max");
}

Test(cli_generate, catches_a_500_on_max_length_strings, .timeout = 60)
{
    caught(SPEC, "5xx-on-max-length", OP "AttachmentName.maxLength");
}

Test(cli_generate, catches_a_500_on_big_numbers, .timeout = 60)
{
    caught(BIG, "5xx-on-big-number", OP "Sequence.2^31");
    caught(BIG, "5xx-on-big-number", OP "Sequence.2^53");
}

Test(cli_generate, catches_a_wrong_type_accepted, .timeout = 60)
{
    caught(SPEC, "accept-wrong-type", OP "AttachmentName.not-string.integer");
    caught(AWS, "accept-wrong-type", OP "AttachmentSizeInBytes.not-integer.string");
}

Test(cli_generate, catches_a_missing_required_member_accepted, .timeout = 60)
{
    caught(SPEC, "accept-missing-required", OP "AttachmentName.missing");
}

Test(cli_generate, catches_one_past_a_bound_accepted, .timeout = 60)
{
    caught(SPEC, "accept-one-past-bound", OP "AttachmentName.maxLength+1");
    caught(AWS, "accept-one-past-bound", OP "AttachmentSizeInBytes.minimum-1");
}

Test(cli_generate, catches_an_off_enum_value_accepted, .timeout = 60)
{
    caught(SPEC, "accept-off-enum", OP "ContentType.not-enum");
}

Test(cli_generate, catches_a_wrong_content_type_accepted, .timeout = 60)
{
    caught(SPEC, "accept-wrong-content-type", OP "content-type.unsupported");
    caught(AWS, "accept-wrong-content-type", OP "content-type.unsupported");
}
