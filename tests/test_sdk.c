/* test_sdk.c - the AWS SDK for JavaScript v3 against the mock serving the AWS spec. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli_child.h"
#include "mock/mock.h"
#include "contract/spec.h"
#include "contract/vars.h"

#define AWS_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.aws.json"
#define SDK_SRC CONFORM_SOURCE_DIR "/tests/sdk"
#define SDK_DIR CONFORM_BINARY_DIR "/sdk"
#define NODE "/usr/bin/node"
#define NPM_MS 200000u /* npm install, network included */
#define NODE_MS 60000u /* sdk_check.mjs against four mocks */

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    cr_assert_not_null(in, "cannot read %s", from);
    FILE *out = fopen(to, "wb");
    cr_assert_not_null(out, "cannot write %s", to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

/* Runs `prog` with `args` to completion (killed past `timeout_ms`); its output goes to the test
 * log. Returns the exit status (128 + N when killed by signal N). */
static int run(const char *prog, const char *const *args, unsigned timeout_ms)
{
    cf_child p;
    cf_child_spawn(&p, prog, NULL, NULL, args);
    cf_child_finish_within(&p, timeout_ms);
    const cf_buf *outs[2] = {&p.out, &p.err};
    for (int i = 0; i < 2; i++) {
        for (const char *line = outs[i]->ptr; line && *line;) {
            size_t len = strcspn(line, "\n");
            cr_log_info("%.*s", (int)len, line);
            fprintf(stderr, "  %.*s\n", (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
    int status = p.status;
    cf_child_cleanup(&p);
    return status;
}

static const char *npm_path(void)
{
    static const char *const candidates[] = {"/usr/bin/npm", "/usr/local/bin/npm"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

/* Installs the SDK into the build tree once; later runs reuse node_modules. */
static void prepare_sdk_dir(void)
{
    mkdir(SDK_DIR, 0755);
    copy_file(SDK_SRC "/package.json", SDK_DIR "/package.json");
    /* Why: ES modules resolve packages from the script's own folder, so the script sits
     * next to node_modules. */
    copy_file(SDK_SRC "/sdk_check.mjs", SDK_DIR "/sdk_check.mjs");
    struct stat st;
    if (stat(SDK_DIR "/node_modules/@aws-sdk/client-connectparticipant", &st) == 0)
        return;
    const char *npm = npm_path();
    cr_assert_not_null(npm, "npm is needed to install the AWS SDK");
    const char *args[] = {"install", "--no-audit", "--no-fund", "--prefix", SDK_DIR, NULL};
    cr_assert_eq(run(npm, args, NPM_MS), 0, "npm install of the AWS SDK failed (network?)");
}

typedef struct {
    cf_mock *mock;
    char url[128];
} running;

static void start(const cf_spec *spec, const cf_secrets *vars, const char *fault, running *r)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = vars;
    o.port = 0;
    o.seed = 1;
    o.seed_set = 1;
    char err[512] = "";
    if (fault)
        cr_assert_eq(cf_mock_fault_parse(fault, &o.faults, err, sizeof(err)), CF_OK, "%s", err);
    cr_assert_eq(cf_mock_start(&o, &r->mock, err, sizeof(err)), CF_OK, "%s", err);
    snprintf(r->url, sizeof(r->url), "%s", cf_mock_url(r->mock));
}

Test(sdk, aws_sdk_v3_sees_typed_results_and_exceptions, .timeout = 300)
{
    if (access(NODE, X_OK) != 0)
        cr_skip_test("%s is not installed", NODE);
    prepare_sdk_dir();

    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_spec_load_file(AWS_SPEC, &spec, &d), CF_OK);
    cf_diags_cleanup(&d);
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    const char *bearer = cf_secrets_get(&vars, "bearer");
    cr_assert_not_null(bearer);

    running plain, throttle, quota, internal;
    start(spec, &vars, NULL, &plain);
    start(spec, &vars, "throttle=1/s", &throttle);
    start(spec, &vars, "quota=0", &quota);
    start(spec, &vars, "error-rate=1", &internal);

    const char *args[] = {SDK_DIR "/sdk_check.mjs",
                          "--endpoint",
                          plain.url,
                          "--bearer",
                          bearer,
                          "--throttle-endpoint",
                          throttle.url,
                          "--quota-endpoint",
                          quota.url,
                          "--internal-endpoint",
                          internal.url,
                          NULL};
    int status = run(NODE, args, NODE_MS);

    cf_mock_stop(plain.mock);
    cf_mock_stop(throttle.mock);
    cf_mock_stop(quota.mock);
    cf_mock_stop(internal.mock);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
    cr_assert_eq(status, 0, "sdk_check.mjs failed (exit %d); its lines are above", status);
}
