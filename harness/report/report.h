/* report.h - a run's results as files (report.json, junit.xml) and as console text. */
#ifndef CF_REPORT_H
#define CF_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/rc.h"
#include "check/result.h"

/* Memory: nothing here keeps a pointer past the call. cf_report_json(), cf_report_junit() and
 * cf_report_clean() append to a cf_buf the caller initialised and frees; on error the buffer
 * holds a partial text (or was freed by cf_buf itself when past its maximum) and must not be
 * written anywhere. Every string printed comes from the cf_run_result, which is redacted. */

#ifndef CF_REPORT_MAX
#define CF_REPORT_MAX (256u * 1024u * 1024u) /* bytes of one report file */
#endif
#ifndef CF_REPORT_FIELD_MAX
#define CF_REPORT_FIELD_MAX (64u * 1024u) /* bytes of one string (body, check text) kept */
#endif
#ifndef CF_REPORT_MESSAGE_MAX
#define CF_REPORT_MESSAGE_MAX 512u /* bytes of expected/actual in a one-line message */
#endif
#ifndef CF_REPORT_EXCHANGES_MAX
#define CF_REPORT_EXCHANGES_MAX 16u /* exchanges of one case in junit.xml (report.json: all) */
#endif
#ifndef CF_REPORT_CONSOLE_EXCHANGES
#define CF_REPORT_CONSOLE_EXCHANGES 4u /* exchanges of one failed case shown on the console */
#endif

/* Writes `len` bytes to `path` so that readers see the old file or the whole new one, never
 * part: a temporary "PATH.tmp.XXXXXX" in the same directory is written, fsync'ed and renamed
 * over `path`. A new file gets mode 0644; a replaced one keeps its mode. Returns CF_OK, or
 * CF_E_IO (CF_E_NOMEM, CF_E_INVALID) with `err` naming the step, the path and strerror; on
 * error the temporary file is gone and `path` is untouched. `err` may be NULL. */
CF_WUR cf_rc cf_report_atomic_write(const char *path, const char *data, size_t len, char *err,
                                    size_t errlen);

/* The same, written piece by piece: cf_report_atomic_open() creates the temporary file,
 * cf_report_atomic_add() appends, cf_report_atomic_commit() fsyncs and renames it over `path`,
 * cf_report_atomic_abort() removes it. Memory: open (on failure), commit and abort free the
 * struct's contents; after a failed add, call abort. Abort accepts a zeroed or finished struct. */
typedef struct {
    char *path;
    char *tmp; /* the temporary file until it is renamed or removed */
    int fd;
} cf_report_atomic_file;
CF_WUR cf_rc cf_report_atomic_open(cf_report_atomic_file *f, const char *path, char *err,
                                   size_t errlen);
CF_WUR cf_rc cf_report_atomic_add(cf_report_atomic_file *f, const char *data, size_t len, char *err,
                                  size_t errlen);
CF_WUR cf_rc cf_report_atomic_commit(cf_report_atomic_file *f, char *err, size_t errlen);
void cf_report_atomic_abort(cf_report_atomic_file *f);

/* DIR/NAME with one slash between; a new string (free() it), NULL when out of memory. */
char *cf_report_path(const char *dir, const char *name);

/* Creates `dir` and its missing parents (mode 0777 less the umask). Fails with CF_E_IO and a
 * message when a component is not a directory or `dir` is not writable by this process. */
CF_WUR cf_rc cf_report_dir_prepare(const char *dir, char *err, size_t errlen);

/* Appends report.json: run metadata, every case on one line with its checks (a passed case:
 * the ids of its checks; otherwise check objects, expected/actual only for failed checks) and,
 * for failed cases, the exchanges; then complete, unreachable and stats. Strings are cut to
 * CF_REPORT_FIELD_MAX and invalid UTF-8 becomes U+FFFD, so the file is always valid JSON.
 * Case and check counts are computed from the cases (plus r->dropped_*); requests and
 * duration come from `r`. */
CF_WUR cf_rc cf_report_json(const cf_run_result *r, cf_buf *out);

/* report.json piece by piece, for writers that stream: the head (version, target, start),
 * each case on one line (separated by ",\n" by the caller), the tail (complete, unreachable,
 * stats from `t` and r->requests/duration). cf_report_json() is head, cases, tail. */
typedef struct {
    size_t passed, failed, not_run, checks, checks_failed;
} cf_report_tally;
void cf_report_tally_add(cf_report_tally *t, const cf_case_result *c);
CF_WUR cf_rc cf_report_json_head(const cf_run_result *r, cf_buf *out);
CF_WUR cf_rc cf_report_json_case(const cf_case_result *c, cf_buf *out);
CF_WUR cf_rc cf_report_json_tail(const cf_run_result *r, const cf_report_tally *t, cf_buf *out);
/* One exchange of case `c` as a one-line JSON object (report.json's exchange fields plus
 * "spec" and "case"), for the --record-all stream. */
CF_WUR cf_rc cf_report_json_exchange(const cf_case_result *c, const cf_exchange_record *e,
                                     cf_buf *out);

/* Appends junit.xml (Ant/Surefire schema as read by Jenkins, GitLab and GitHub): one
 * <testsuite> per spec file in order of first appearance, one <testcase> per case. A failed
 * case carries <failure> (or <error> when the target could not be reached) whose text holds
 * every failed check, the exchanges and the replay command; a case not run is <skipped>.
 * From memory a suite's time is the sum of its cases' and the whole's is r->duration_ms; the
 * streamed writer (cf_report_stream_*) gives each suite its wall time instead, so that the
 * suites add up to the whole however many cases ran at once. */
CF_WUR cf_rc cf_report_junit(const cf_run_result *r, cf_buf *out);

/* junit.xml piece by piece, for writers that stream. A tally counts cases as JUnit does
 * (a case whose target was unreachable is an error; ms sums case times). The head opens
 * <testsuites>, a suite head opens one <testsuite> with its properties (closed by the caller
 * with "  </testsuite>\n", the file with "</testsuites>\n"); a testcase is one case. */
typedef struct {
    size_t tests, failures, errors, skipped;
    double ms;
} cf_junit_tally;
void cf_report_junit_count(cf_junit_tally *t, const cf_run_result *r, const cf_case_result *c);
CF_WUR cf_rc cf_report_junit_head(cf_buf *out, const cf_junit_tally *all, double ms);
CF_WUR cf_rc cf_report_junit_suite_head(cf_buf *out, const cf_run_result *r, const char *name,
                                        const cf_junit_tally *t, double ms, const char *timestamp);
CF_WUR cf_rc cf_report_junit_testcase(cf_buf *out, const cf_run_result *r, const cf_case_result *c);
/* The suite's name from its first case: the spec's title, else its file, else "conform". */
const char *cf_report_junit_suite_name(const cf_case_result *first);
/* The run's start as the schema's timestamp (UTC, no fraction). */
void cf_report_junit_stamp(const cf_run_result *r, char out[25]);

/* Prints failed cases (checks, exchanges, curl and rerun lines), in verbose mode a line per
 * passed and skipped case, and a summary line. color=1 adds ANSI colours. Control characters
 * and invalid UTF-8 in results are replaced so a hostile response cannot drive the terminal.
 * Write errors on `out` are ignored (the files are the record). */
void cf_report_console(const cf_run_result *r, FILE *out, int color, int verbose);

/* cf_report_dir_prepare(dir), then DIR/report.json, junit.xml, report.html and report.sarif,
 * each atomically. Every file is attempted; returns the first error and its message. */
CF_WUR cf_rc cf_report_write_all(const cf_run_result *r, const char *dir, char *err, size_t errlen);
/* The same for the reports written only at the end of a streaming run (report.html and
 * report.sarif); report.json and junit.xml come from cf_report_stream_*. */
CF_WUR cf_rc cf_report_write_end(const cf_run_result *r, const char *dir, char *err, size_t errlen);

/* Reports written while the run goes (stream.c): DIR/report.json and DIR/junit.xml, and
 * with `record_all` every exchange as NDJSON in that file. Open before the run (`r` is
 * borrowed and read again at each case and at close: set its target before the first case and
 * its flags, requests and duration before close); hand each case to cf_report_stream_case()
 * as it ends; cf_report_stream_close() writes the summaries and renames the files into place
 * (all attempted; the first error is returned). Until then readers see the previous files.
 * Memory: cf_report_stream_free() removes what was not closed and frees (accepts NULL). */
typedef struct cf_report_stream cf_report_stream;
CF_WUR cf_rc cf_report_stream_open(const char *dir, const cf_run_result *r, const char *record_all,
                                   cf_report_stream **out, char *err, size_t errlen);
CF_WUR cf_rc cf_report_stream_case(cf_report_stream *s, const cf_case_result *c, char *err,
                                   size_t errlen);
CF_WUR cf_rc cf_report_stream_close(cf_report_stream *s, char *err, size_t errlen);
void cf_report_stream_free(cf_report_stream *s);
/* Failures with one root cause: the same operation, first failed check, HTTP status and error
 * code. Memory: a group borrows from the cf_run_result it was built from (which must outlive
 * it) and owns only its `cases` array; cf_report_groups_cleanup() accepts NULL. */
typedef struct {
    const char *operation;              /* the case's operation, else its spec title or file */
    const cf_case_result *first;        /* the case shown in full */
    const cf_check_result *check;       /* its first failed check; NULL: none recorded */
    const cf_exchange_record *exchange; /* the exchange that check judged; NULL when none */
    size_t *cases;                      /* indices into r->cases, `first` first */
    size_t count;
    size_t cap; /* private: room in `cases` */
} cf_report_group;

typedef struct {
    cf_report_group *items;
    size_t count;
    size_t cap; /* private: room in `items` */
} cf_report_groups;

/* Groups the failed cases of `r` in order of first appearance. CF_E_NOMEM leaves `out` empty. */
CF_WUR cf_rc cf_report_groups_build(const cf_run_result *r, cf_report_groups *out);
void cf_report_groups_cleanup(cf_report_groups *g);

/* Appends one line about group `g` of `r`: operation, check, expected and got (each cut to
 * CF_REPORT_MESSAGE_MAX), status and code, the cases (the first few ids) and the rerun line.
 * The text is raw: each writer escapes it for its format. */
CF_WUR cf_rc cf_report_group_message(const cf_run_result *r, const cf_report_group *g, cf_buf *out);

/* Cases per operation, in order of first appearance. Memory: `name` borrows from the
 * result; free `items` with free(). */
typedef struct {
    const char *name;
    size_t passed, failed, not_run;
} cf_report_op;

CF_WUR cf_rc cf_report_ops(const cf_run_result *r, cf_report_op **items, size_t *count);

/* The operation a case belongs to for reports: its operation, else spec title, else file. */
const char *cf_report_case_operation(const cf_case_result *c);

/* The 1-based line of case `id` in spec file `path` (its "id": "..." member after "cases"),
 * the line of "cases" when the id is not found, 1 when neither is, 0 when the file cannot be
 * read. A repetition suffix "#k" is ignored. */
unsigned cf_report_case_line(const char *path, const char *id);

/* One sentence describing check id `id` (its prefix for rule.* ids); never NULL. */
const char *cf_report_check_text(const char *id);

/* Coverage over every operation of r->coverage: items exercised and items in all; returns the
 * percentage (100 when there are no items). */
double cf_report_coverage_percent(const cf_run_result *r, size_t *hit, size_t *total);

/* Prints the coverage figures per operation and the items not exercised (the first few;
 * verbose: all). Nothing when coverage was not computed. */
void cf_report_coverage_console(const cf_run_result *r, FILE *out, int verbose);

/* The same for one operation. */
double cf_report_op_coverage(const cf_op_coverage *op, size_t *hit);

/* Appends report.html: one self-contained page (inline CSS and script, nothing fetched) with
 * the summary, per-operation table, coverage, failure groups with their exchanges, every case,
 * and filters by outcome, operation, check and tag. Every string from the result is
 * HTML-escaped (CF_CLEAN_XML | CF_CLEAN_QUOTES): no markup from a server, spec or variable
 * can reach the page as markup. */
CF_WUR cf_rc cf_report_html(const cf_run_result *r, cf_buf *out);

/* Appends report.sarif (SARIF 2.1.0): one result per failure group, ruleId = the check id,
 * located at the case's line in its spec file. */
CF_WUR cf_rc cf_report_sarif(const cf_run_result *r, cf_buf *out);

/* Appends GitHub Actions workflow commands: one "::error file=F,line=L,title=T::MESSAGE" line
 * per failure group, escaped per GitHub's rules (data: % CR LF; properties also : and ,). */
CF_WUR cf_rc cf_report_github_annotations(const cf_run_result *r, cf_buf *out);
/* The same with file= relative to `workspace` (the checkout, $GITHUB_WORKSPACE) when a spec
 * path lies inside it: GitHub places an annotation by its path in the repository. */
CF_WUR cf_rc cf_report_github_annotations_in(const cf_run_result *r, const char *workspace,
                                             cf_buf *out);

/* Appends a Markdown summary of the run for $GITHUB_STEP_SUMMARY. */
CF_WUR cf_rc cf_report_github_summary(const cf_run_result *r, cf_buf *out);

/* Flags of cf_report_clean(). */
#define CF_CLEAN_XML 1u      /* escape & < > \r; replace what XML 1.0 forbids */
#define CF_CLEAN_TERMINAL 2u /* replace C0 (but \t \n) and C1 controls, DEL, bidi overrides */
#define CF_CLEAN_ONE_LINE 4u /* \t \n \r become spaces */
#define CF_CLEAN_QUOTES 8u   /* with CF_CLEAN_XML: escape " and ' too (attribute values) */

/* Appends `s` (NUL-terminated; NULL appends nothing) to `out` with invalid UTF-8 replaced by
 * U+FFFD and, per `flags`, escaped or neutralised. At most `max` input bytes are taken, cut on
 * a character boundary and followed by "... (N more bytes)". Returns what cf_buf returns. */
CF_WUR cf_rc cf_report_clean(cf_buf *out, const char *s, size_t max, unsigned flags);

#endif
