/* fuzz.c - `conform fuzz`: a mutation campaign over every operation of the contract any FILE
 * `conform run` takes names, its findings saved as suite v2 files that `conform run` replays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "cli/target.h"
#include "contract/vars.h"
#include "report/report.h"
#include "run/fuzz.h"
#include "run/fuzz_plan.h"

static const char usage_head[] =
    "usage: conform fuzz [options] FILE\n"
    "\n"
    "Fuzzes every operation of the contract FILE names (a v1 spec, an OpenAPI 3.x or AWS\n"
    "contract, an overlay or a suite v2: what `conform run` takes). Per operation it runs the\n"
    "setup steps that make what it consumes, sends the requests `conform run --generate all`\n"
    "derives, then mutates the valid ones (body structure, schema, bytes, a dictionary of\n"
    "edge values; path and query parameters), judges every answer with the checks of\n"
    "`conform run` and keeps the mutants that drew a response class not seen before. Each\n"
    "finding (operation, check, status, code) is minimised and saved as a suite v2 file\n"
    "naming the contract (`conform run` replays it), a curl line and summary.json.\n"
    "Variables also come from CONFORM_VAR_<NAME>.\n";

static const char usage_tail[] =
    "exit status: 0 nothing found, 1 findings, 2 usage or spec error, 3 target unreachable,\n"
    "130 interrupted (findings so far written).\n";

/* Sorted by name; handled by the one switch in parse_args(). */
#define FUZZ_OPTIONS(X)                                                                            \
    X(CACERT, "cacert", 0, required_argument, "FILE",                                              \
      "CA bundle to verify the target's TLS certificate with")                                     \
    X(DURATION, "duration", 0, required_argument, "S",                                             \
      "stop after S seconds, 1..604800 (default 60)")                                              \
    X(HELP, "help", 0, no_argument, NULL, "this text")                                             \
    X(INSECURE, "insecure", 0, no_argument, NULL, "do not verify TLS certificates")                \
    X(JOBS, "jobs", 0, required_argument, "N",                                                     \
      "requests in flight at once, 1..256 (default 8;\n1 for runs that must repeat exactly)")      \
    X(MAX_REQUESTS, "max-requests", 0, required_argument, "N",                                     \
      "stop after N requests, 1..1000000000 (default: no cap)")                                    \
    X(QUIET, "quiet", 0, no_argument, NULL, "no progress line, only the findings")                 \
    X(RATE, "rate", 0, required_argument, "N/s",                                                   \
      "at most N requests per second, 1..100000 (default: no cap)")                                \
    X(REPORT_DIR, "report-dir", 0, required_argument, "DIR",                                       \
      "where findings go (default reports/fuzz-findings)")                                         \
    X(SEED, "seed", 0, required_argument, "N",                                                     \
      "seed of every random choice, 0..2^64-1 (default 1)")                                        \
    X(TARGET, "target", 0, required_argument, "URL|mock",                                          \
      "where to send requests: a base URL or the embedded\nmock (default)")                        \
    X(TIMEOUT, "timeout", 0, required_argument, "MS",                                              \
      "per-request timeout, 1..600000 (default 10000)")                                            \
    X(VAR, "var", 0, required_argument, "NAME=VALUE", "set a spec variable (repeatable)")

CF_CLI_COMMAND(fuzz_command, FUZZ_OPTIONS, "fuzz", usage_head, usage_tail);

typedef struct {
    cf_fuzz_opts fuzz;
    const char *target;
    const char *report_dir;
    int quiet;
    const char **vars;
    size_t var_count;
    const char *file;
} fuzz_args;

static cf_cli_status parse_rate(const cf_cli_parser *p, double *rate)
{
    const char *v = p->value;
    size_t len = strlen(v);
    if (len > 2 && strcmp(v + len - 2, "/s") == 0)
        len -= 2;
    unsigned long long n = 0;
    if (!cf_cli_parse_uint(v, len, 1, 100000, &n))
        return cf_cli_usage_error(p, "--rate expects N or N/s with 1 <= N <= 100000, got \"%s\"",
                                  v);
    *rate = (double)n;
    return CF_CLI_GO_ON;
}

static cf_cli_status parse_args(int argc, char **argv, fuzz_args *a)
{
    cf_cli_parser p;
    cf_cli_parser_init(&p, &fuzz_command, argc, argv);
    unsigned long long v;
    cf_cli_status st;
    for (int id; (id = cf_cli_parser_next(&p)) != CF_CLI_END;) {
        const char *val = p.value;
        switch (id) {
        case CF_CLI_ERROR:
            return CF_CLI_EXIT_USAGE;
        case CF_CLI_ARG:
            break;
        case OPT_DURATION:
            if (!cf_cli_uint(&p, 1, 604800, &v))
                return CF_CLI_EXIT_USAGE;
            a->fuzz.duration_s = (double)v;
            break;
        case OPT_HELP:
            return cf_cli_help(&p);
        case OPT_MAX_REQUESTS:
            if (!cf_cli_uint(&p, 1, 1000000000ull, &v))
                return CF_CLI_EXIT_USAGE;
            a->fuzz.max_requests = (size_t)v;
            break;
        case OPT_QUIET:
            a->quiet = 1;
            break;
        case OPT_RATE:
            if (parse_rate(&p, &a->fuzz.rate) != CF_CLI_GO_ON)
                return CF_CLI_EXIT_USAGE;
            break;
        case OPT_REPORT_DIR:
            a->report_dir = val;
            break;
        case OPT_SEED:
            if (!cf_cli_uint(&p, 0, UINT64_MAX, &v))
                return CF_CLI_EXIT_USAGE;
            a->fuzz.seed = (uint64_t)v;
            break;
        case OPT_TARGET:
            if ((st = cf_cli_target_option(&p, 0, &a->target)) != CF_CLI_GO_ON)
                return st;
            break;
        case OPT_VAR:
            if ((st = cf_cli_var_option(&p, &a->vars, &a->var_count)) != CF_CLI_GO_ON)
                return st;
            break;
        default: /* --cacert, --insecure, --jobs, --timeout */
            if ((st = cf_cli_transport_option(&p, &a->fuzz.transport)) != CF_CLI_GO_ON)
                return st;
            break;
        }
    }
    if (p.arg_count != 1)
        return cf_cli_usage_error(
            &p, "expects exactly one FILE (a spec, contract or suite), got %zu", p.arg_count);
    a->file = p.args[0];
    return CF_CLI_GO_ON;
}

typedef struct {
    int tty;
    double last_ms;
} progress;

static void on_progress(void *user, const cf_fuzz_result *r)
{
    progress *p = user;
    double now = cf_time_mono_ms();
    if (!p->tty || now - p->last_ms < 250)
        return;
    p->last_ms = now;
    double secs = r->duration_ms / 1000.0;
    fprintf(stderr, "\r\033[K%zu requests, %.0f req/s, %zu findings, %zu response classes",
            r->requests, secs > 0 ? (double)r->requests / secs : 0.0, r->count, r->classes);
}

/* DIR/NAME written atomically. */
static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096], err[CF_ERR_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (cf_report_atomic_write(path, text, len, err, sizeof(err)) != CF_OK) {
        fprintf(stderr, "conform fuzz: %s\n", err);
        return 0;
    }
    return 1;
}

/* Every finding's suite v2 file (naming the contract by its path from the report folder) and
 * curl line, and summary.json. */
static int write_findings(const fuzz_args *a, const cf_suite *suite, const cf_fuzz_result *r,
                          const char *label)
{
    char err[CF_ERR_MAX];
    if (cf_report_dir_prepare(a->report_dir, err, sizeof(err)) != CF_OK) {
        fprintf(stderr, "conform fuzz: %s\n", err);
        return 0;
    }
    char *contract = cf_fuzz_relative_path(a->report_dir, suite->contract_file);
    const cJSON *variables =
        suite->root ? cJSON_GetObjectItemCaseSensitive(suite->root, "variables") : NULL;
    int ok = contract != NULL;
    for (size_t i = 0; ok && i < r->count; i++) {
        const cf_fuzz_finding *f = &r->findings[i];
        if (!f->case_json)
            continue; /* interrupted before it was written down */
        cf_buf b;
        cf_buf_init(&b, CF_MAX_SPEC_FILE * 2);
        char name[300];
        snprintf(name, sizeof(name), "%s.json", f->id);
        ok &= cf_fuzz_case_file_v2(contract, variables, f->case_json, &b) == CF_OK &&
              write_file(a->report_dir, name, cf_buf_str(&b), b.len);
        cf_buf_reset(&b);
        snprintf(name, sizeof(name), "%s.curl", f->id);
        ok &= cf_buf_addf(&b, "%s\n", f->curl) == CF_OK &&
              write_file(a->report_dir, name, cf_buf_str(&b), b.len);
        cf_buf_free(&b);
    }
    free(contract);
    cf_buf s;
    cf_buf_init(&s, 16u * 1024 * 1024);
    ok &= cf_fuzz_summary(suite->file, &a->fuzz, r, label, &s) == CF_OK &&
          write_file(a->report_dir, "summary.json", cf_buf_str(&s), s.len);
    cf_buf_free(&s);
    if (!ok)
        fprintf(stderr, "conform fuzz: not every finding could be written to %s\n", a->report_dir);
    return ok;
}

static void print_result(const fuzz_args *a, const cf_fuzz_result *r)
{
    double secs = r->duration_ms / 1000.0;
    printf("conform fuzz: %zu operations, %zu requests in %.1f s (%.0f req/s), %zu response "
           "classes, %zu findings (seed %llu)\n",
           r->operations, r->requests, secs, secs > 0 ? (double)r->requests / secs : 0.0,
           r->classes, r->count, (unsigned long long)a->fuzz.seed);
    if (r->dead)
        printf("  %zu operations left out: their setup steps did not succeed\n", r->dead);
    for (size_t i = 0; i < r->count; i++) {
        const cf_fuzz_finding *f = &r->findings[i];
        printf("  FINDING %s: %s (%zu hits, from %s)\n    replay: conform run --generate none%s%s "
               "%s/%s.json\n",
               f->id, f->detail, f->hits, f->origin, a->target ? " --target " : "",
               a->target ? a->target : "", a->report_dir, f->id);
    }
    printf("findings: %s/summary.json\n", a->report_dir);
}

static int campaign(fuzz_args *a, const cf_suite *suite, const cf_vars_sources *all)
{
    cf_secrets secrets = {0};
    cf_cli_target t = {0};
    cf_fuzz_result r = {0};
    cf_buf rerun, curl;
    cf_buf_init(&rerun, CF_RERUN_MAX);
    cf_buf_init(&curl, CF_RERUN_MAX);
    char err[CF_ERR_MAX] = "";
    int exit_code = CF_EXIT_USAGE;
    cf_vars_sources vars;
    const char **list = NULL;
    if (cf_cli_vars_for(suite, all, &vars, &list) != CF_OK) {
        fprintf(stderr, "conform fuzz: out of memory\n");
        goto out;
    }
    if (cf_vars_resolve_api(suite->api, &vars, &secrets, err, sizeof(err)) != CF_OK ||
        cf_cli_target_open(a->target, suite, &secrets, &t, err, sizeof(err)) != CF_OK) {
        fprintf(stderr, "conform fuzz: %s: %s\n", suite->file, err);
        goto out;
    }
    if (cf_cli_rerun_flags(a->target, &a->fuzz.transport, &vars, suite->api, &rerun, &curl) !=
        CF_OK)
        goto out;
    a->fuzz.base_url = t.base_url;
    a->fuzz.secrets = &secrets;
    a->fuzz.curl_flags = cf_buf_str(&curl);
    const char *term = getenv("TERM");
    progress prog = {!a->quiet && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb")), 0};
    a->fuzz.progress = on_progress;
    a->fuzz.progress_user = &prog;
    cf_rc rc = cf_fuzz_run(suite->api, &a->fuzz, &r, err, sizeof(err));
    if (prog.tty)
        fputs("\r\033[K", stderr);
    if (rc == CF_E_TRANSPORT) {
        fprintf(stderr, "conform fuzz: %s: %s\n", suite->file,
                r.unreachable_why ? r.unreachable_why : err);
        exit_code = CF_EXIT_UNREACHABLE;
        goto out;
    }
    if (rc != CF_OK && rc != CF_E_INTERRUPTED) {
        fprintf(stderr, "conform fuzz: %s: %s\n", suite->file, err);
        goto out;
    }
    int written = write_findings(a, suite, &r, t.label);
    print_result(a, &r);
    if (rc == CF_E_INTERRUPTED) {
        fprintf(stderr, "conform fuzz: interrupted; findings so far written\n");
        exit_code = CF_EXIT_INTERRUPTED;
    } else {
        exit_code = !written ? CF_EXIT_USAGE : r.count ? CF_EXIT_FAILED : CF_EXIT_OK;
    }
out:
    cf_fuzz_result_cleanup(&r);
    cf_cli_target_close(&t);
    cf_secrets_cleanup(&secrets);
    cf_buf_free(&rerun);
    cf_buf_free(&curl);
    free(list);
    return exit_code;
}

int cf_cli_fuzz(int argc, char **argv)
{
    fuzz_args a;
    memset(&a, 0, sizeof(a));
    cf_fuzz_opts_init(&a.fuzz);
    a.report_dir = "reports/fuzz-findings";
    cf_suite *suite = NULL;
    const char **env = NULL;
    size_t env_count = 0;
    int rc = parse_args(argc, argv, &a);
    if (rc != CF_CLI_GO_ON)
        goto out;
    struct stat st;
    if (stat(a.file, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                "%s: a folder; conform fuzz takes one file: a suite, a contract or a spec in it "
                "(conform list %s shows what each holds)\n",
                a.file, a.file);
        rc = CF_EXIT_USAGE;
        goto out;
    }
    cf_diags d;
    cf_diags_init(&d);
    if (cf_suite_load_file(a.file, &suite, &d) != CF_OK) {
        cf_cli_print_diags(&d);
        fprintf(stderr, "%s: invalid spec; fix it (conform lint %s) and rerun\n", a.file, a.file);
        cf_diags_cleanup(&d);
        rc = CF_EXIT_USAGE;
        goto out;
    }
    cf_diags_cleanup(&d);
    cf_cli_env_vars(&env, &env_count);
    cf_vars_sources vars = {a.vars, a.var_count, env, env_count};
    rc = cf_cli_vars_check(&suite, 1, &vars, NULL, 0);
    if (rc != CF_EXIT_OK)
        goto out;
    a.fuzz.stop = cf_cli_catch_interrupts();
    rc = campaign(&a, suite, &vars);
out:
    cf_suite_free(suite);
    free(env);
    free(a.vars);
    return rc;
}
