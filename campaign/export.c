/* `campaign export`: the campaign's data in files other programs read without Lodestone.
 *   results.csv      the `results` view, one row per evaluated candidate
 *   runs.csv         every DFT run (magnetic start) with its provenance
 *   structures.xyz   the relaxed structure of each done candidate (its lowest-energy start),
 *                    extended XYZ (ASE reads it: ase.io.read(..., index=':')) with the energy,
 *                    moments and the candidate's id, formula and prototype as info keys
 *   frames.xyz       every labelled DFT frame of the done runs (the potential's training data)
 * Read-only on the database. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "campaign/campaign.h"
#include "campaign/report_impl.h"
#include "campaign/store.h"
#include "campaign/store_util.h"
#include "common/csv.h"
#include "common/err.h"
#include "common/io.h"
#include "common/textio.h"

int campaign_make_dir(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) LS_ERROR(LS_ERR_IO, "%s: cannot create the folder: %s", dir, strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) LS_ERROR(LS_ERR_IO, "%s: not a folder", dir);
    return LS_OK;
}

/* A query's rows as CSV (header from the column names), written atomically. */
int campaign_query_csv(ls_db *db, const char *sql, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp) LS_ERROR(LS_ERR_NOMEM, "out of memory writing %s", path);
    ls_db_stmt *q = NULL;
    int status = ls_db_query(db, &q, sql, NULL);
    if (status == LS_OK) {
        int nc = ls_db_col_count(q);
        for (int c = 0; c < nc; c++) {
            if (c) fputc(',', fp);
            ls_csv_write_field(fp, ls_db_col_name(q, c));
        }
        fputc('\n', fp);
        int row = 0;
        while ((status = ls_db_next(q, &row)) == LS_OK && row) {
            for (int c = 0; c < nc; c++) {
                if (c) fputc(',', fp);
                const char *t = ls_db_col_text(q, c);
                if (t) ls_csv_write_field(fp, t);
            }
            fputc('\n', fp);
        }
    }
    ls_db_finalize(q);
    fclose(fp);
    if (status == LS_OK) status = ls_file_write_atomic(path, buf, len);
    free(buf);
    return status;
}

static int write_structures(ls_db *db, const char *path)
{
    FILE *fp = fopen(path, "w");
    if (!fp) LS_ERROR(LS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    ls_db_stmt *q = NULL;
    int status = ls_db_query(db, &q,
                             "SELECT r.candidate_id, r.formula, r.prototype, r.magnetic_order, r.energy_ev_per_atom, "
                             "r.ms_tesla, r.formation_energy_ev_per_atom, r.e_above_hull_ev_per_atom, d.structure_xyz "
                             "FROM results r JOIN result x ON x.evaluation_id = r.evaluation_id JOIN dft_run d ON d.id = "
                             "x.dft_run_id WHERE r.status = 'done' ORDER BY r.candidate_id",
                             NULL);
    int row = 0;
    while (status == LS_OK && (status = ls_db_next(q, &row)) == LS_OK && row) {
        ls_structure *s = NULL;
        status = campaign_structure_from_xyz(ls_db_col_text(q, 8), path, &s);
        if (status != LS_OK) break;
        char v[64];
        snprintf(v, sizeof v, "%lld", ls_db_col_int(q, 0));
        ls_structure_info_set(s, "candidate_id", v);
        ls_structure_info_set(s, "formula", ls_db_col_text(q, 1));
        ls_structure_info_set(s, "prototype", ls_db_col_text(q, 2));
        ls_structure_info_set(s, "magnetic_order", ls_db_col_text(q, 3));
        const char *keys[] = {"energy_ev_per_atom", "ms_tesla", "formation_energy_ev_per_atom", "e_above_hull_ev_per_atom"};
        for (int k = 0; k < 4; k++) {
            if (ls_db_col_is_null(q, 4 + k)) continue;
            snprintf(v, sizeof v, "%.10g", ls_db_col_double(q, 4 + k));
            ls_structure_info_set(s, keys[k], v);
        }
        status = ls_extxyz_write(fp, path, s);
        ls_structure_destroy(s);
    }
    ls_db_finalize(q);
    if (fclose(fp) != 0 && status == LS_OK) status = ls_error_set(LS_ERR_IO, __FILE__, __LINE__, "%s: write error", path);
    return status;
}

/* The trajectories of the done runs, one after the other. */
static int write_frames(ls_db *db, const char *path, int *n_frames)
{
    *n_frames = 0;
    FILE *fp = fopen(path, "w");
    if (!fp) LS_ERROR(LS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    ls_db_stmt *q = NULL;
    int status = ls_db_query(db, &q,
                             "SELECT trajectory FROM dft_run WHERE state = 'done' AND trajectory IS NOT NULL ORDER BY id", NULL);
    int row = 0;
    while (status == LS_OK && (status = ls_db_next(q, &row)) == LS_OK && row) {
        ls_structure_list *l = NULL;
        if (ls_extxyz_read(ls_db_col_text(q, 0), &l) != LS_OK) continue; /* a file moved away: skipped */
        for (int i = 0; i < l->n && status == LS_OK; i++) {
            status = ls_extxyz_write(fp, path, l->items[i]);
            (*n_frames)++;
        }
        ls_structure_list_destroy(l);
    }
    ls_db_finalize(q);
    if (fclose(fp) != 0 && status == LS_OK) status = ls_error_set(LS_ERR_IO, __FILE__, __LINE__, "%s: write error", path);
    return status;
}

int campaign_export_write(const char *db_path, const char *out_dir)
{
    campaign_store *st = NULL;
    LS_TRY(campaign_store_open(db_path, 1, &st));
    int status = campaign_make_dir(out_dir);
    char path[4200];
    if (status == LS_OK) {
        snprintf(path, sizeof path, "%s/results.csv", out_dir);
        status = campaign_query_csv(st->db, "SELECT * FROM results ORDER BY candidate_id", path);
    }
    if (status == LS_OK) {
        snprintf(path, sizeof path, "%s/runs.csv", out_dir);
        status = campaign_query_csv(
            st->db,
            "SELECT d.id AS run_id, c.id AS candidate_id, c.name AS candidate, c.role, d.start_order, d.state, d.reason, "
            "d.energy_ev_per_atom, d.total_moment_mub, d.abs_moment_mub, d.moments_start_mub, d.moments_final_mub, "
            "d.order_found, d.volume_a3_per_atom, d.n_relax_steps, d.relax_converged, d.max_force_ev_a, d.pressure_gpa, "
            "d.scf_retries, d.attempts, d.input_sha256, p.calculator, p.program_version, p.git_revision, "
            "p.pseudopotentials, p.settings, p.host, p.threads, p.wall_s, p.cpu_s, p.finished_utc FROM dft_run d JOIN "
            "evaluation e ON e.id = d.evaluation_id JOIN candidate c ON c.id = e.candidate_id LEFT JOIN provenance p ON "
            "p.dft_run_id = d.id ORDER BY d.id",
            path);
    }
    if (status == LS_OK) {
        snprintf(path, sizeof path, "%s/structures.xyz", out_dir);
        status = write_structures(st->db, path);
    }
    int n_frames = 0;
    if (status == LS_OK) {
        snprintf(path, sizeof path, "%s/frames.xyz", out_dir);
        status = write_frames(st->db, path, &n_frames);
    }
    campaign_store_close(st);
    return status;
}
