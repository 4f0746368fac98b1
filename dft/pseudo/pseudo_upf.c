/* Readers for the Unified Pseudopotential Format, versions 2 (XML-like, here) and 1 (tagged
 * free-format lines, pseudo_upf1.c), norm-conserving potentials only.  Format: Quantum ESPRESSO's UPF
 * specification, http://pseudopotentials.quantum-espresso.org/home/unified-pseudopotential-format,
 * and its readers upflib/read_upf_v1.f90, read_upf_v2.f90 (QE 6.7; P. Giannozzi et al.,
 * J. Phys.: Condens. Matter 21, 395502 (2009), doi:10.1088/0953-8984/21/39/395502).
 *
 * What is stored (pseudo.h), and the unit conversions (UPF is in Rydberg atomic units):
 *   PP_R, PP_RAB        r, dr/di (bohr)                                   as is
 *   PP_LOCAL            V_loc(r), Ry                                      x 1/2 -> Ha
 *   PP_NLCC             rho_c(r), e/bohr^3 (not times 4 pi r^2)           as is
 *   PP_RHOATOM          4 pi r^2 rho_a(r)                                 / (4 pi r^2)
 *   PP_BETA.i           r beta_i(r)                                       / r
 *   PP_DIJ              D_ij, Ry                                          x 1/2 -> Ha
 * The nonlocal energy is sum_ij D_ij <psi|beta_i><beta_j|psi>, so the Ry -> Ha factor can go
 * either into D or (as 1/sqrt 2) into each beta.  We put all of it into D: beta keeps the
 * file's numbers and every conversion is an exact multiplication by 1/2, so our form
 * factors are bit-for-bit QE's divided by 2.  At r = 0 (first point of the PseudoDojo
 * meshes) beta and rho_a cannot be divided by r: they are extrapolated (quadratically for
 * l = 0 and rho_a, zero for l > 0); the value does not enter any integral (weight r^2 = 0).
 * Projector integrals run over kkbeta = max_i cutoff_radius_index points (QE's kkbeta) for
 * every projector; a missing cutoff_radius_index means the whole mesh (QE's default).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_impl.h"

/* ---------------------------------------------------------------------------------------
 * Shared helpers. */
int dft_upf_alloc_mesh(dft_pseudo *p, int n)
{
    p->r = calloc((size_t)n, sizeof(double));
    p->rab = calloc((size_t)n, sizeof(double));
    p->vloc = calloc((size_t)n, sizeof(double));
    if (!p->r || !p->rab || !p->vloc) LS_ERROR(LS_ERR_NOMEM, "out of memory (mesh of %d points)", n);
    return LS_OK;
}

int dft_upf_alloc_array(double **a, int n)
{
    *a = calloc((size_t)n, sizeof(double));
    if (*a == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory (mesh of %d points)", n);
    return LS_OK;
}

/* Value at r = 0 from the next three points (Lagrange quadratic). */
static double extrapolate_r0(const double *r, const double *f)
{
    double r1 = r[1], r2 = r[2], r3 = r[3];
    return f[1] * r2 * r3 / ((r1 - r2) * (r1 - r3)) + f[2] * r1 * r3 / ((r2 - r1) * (r2 - r3)) +
           f[3] * r1 * r2 / ((r3 - r1) * (r3 - r2));
}

/* f = g / (c r^2) (c r^2 = 4 pi r^2 for rho_atom) or g / r (beta), with the r = 0 rule. */
static void divide_by_r(const dft_pseudo *p, double *f, int power, double c, int zero_at_0)
{
    for (int i = 0; i < p->n_mesh; i++)
        if (p->r[i] > 0.0) f[i] /= power == 2 ? c * p->r[i] * p->r[i] : p->r[i];
    if (p->n_mesh >= 4 && p->r[0] <= 0.0) f[0] = zero_at_0 ? 0.0 : extrapolate_r0(p->r, f);
}

/* Final checks shared by both versions. */
int dft_upf_finish(dft_pseudo *p, const int *kbeta)
{
    int kk = 0;
    for (int ib = 0; ib < p->n_beta; ib++) kk = kbeta[ib] > kk ? kbeta[ib] : kk;
    for (int ib = 0; ib < p->n_beta; ib++) {
        p->beta_n_mesh[ib] = kk;
        divide_by_r(p, p->beta[ib], 1, 1.0, p->beta_l[ib] > 0);
    }
    if (p->rho_atom) divide_by_r(p, p->rho_atom, 2, 4.0 * M_PI, 0);
    for (int ic = 0; ic < p->n_chi; ic++) divide_by_r(p, p->chi[ic], 1, 1.0, p->chi_l[ic] > 0);
    for (int i = 0; i < p->n_mesh; i++) p->vloc[i] *= 0.5;
    for (int i = 0; i < p->n_beta * p->n_beta; i++) p->dij[i] *= 0.5;
    for (int i = 1; i < p->n_mesh; i++)
        if (!(p->r[i] > p->r[i - 1]))
            LS_ERROR(LS_ERR_INPUT, "%s: PP_R is not increasing at point %d (r = %g after %g)", p->path, i + 1,
                     p->r[i], p->r[i - 1]);
    return dft_pseudo_set_msh(p);
}

int dft_upf_check_header(const dft_pseudo *p, const char *where)
{
    if (ls_element_z_from_label(p->element) == 0)
        LS_ERROR(LS_ERR_INPUT, "%s: %s: element '%s' is not a chemical element", p->path, where, p->element);
    if (!(p->z_valence > 0.0) || p->z_valence > 120.0)
        LS_ERROR(LS_ERR_INPUT, "%s: %s: z_valence = %g, expected a positive valence charge", p->path, where,
                 p->z_valence);
    if (p->n_mesh < 8 || p->n_mesh > 100000)
        LS_ERROR(LS_ERR_INPUT, "%s: %s: mesh_size = %d, expected 8..100000", p->path, where, p->n_mesh);
    if (p->n_beta < 0 || p->n_beta > DFT_PSEUDO_MAX_BETA)
        LS_ERROR(LS_ERR_UNSUPPORTED, "%s: %s: %d projectors, at most %d are supported", p->path, where, p->n_beta,
                 DFT_PSEUDO_MAX_BETA);
    return LS_OK;
}

int dft_upf_check_beta_l(const dft_pseudo *p, int ib, int l, long line)
{
    if (l < 0 || l > 3)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: projector %d has angular momentum %d, expected 0..3", p->path, line, ib + 1, l);
    return LS_OK;
}

/* ---------------------------------------------------------------------------------------
 * UPF v2: <PP_NAME attr="value" ...> numbers </PP_NAME>, or <PP_NAME .../>. */
typedef struct upf_doc {
    const char *path;
    const char *text;
} upf_doc;

typedef struct upf_tag {
    const char *name;
    const char *start;              /* the '<' */
    const char *attr, *attr_end;    /* attribute text */
    const char *body, *body_end;    /* content, NULL for <.../> */
} upf_tag;

static long line_at(const upf_doc *d, const char *pos)
{
    long n = 1;
    for (const char *s = d->text; s < pos; s++) n += *s == '\n';
    return n;
}

static int doc_error(const upf_doc *d, const char *pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int doc_error(const upf_doc *d, const char *pos, const char *fmt, ...)
{
    char msg[LS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%ld: %s", d->path, line_at(d, pos), msg);
}

/* Find <name ...> (exact name) in the text; *found = 0 if absent. */
static int find_tag(const upf_doc *d, const char *name, upf_tag *t, int *found)
{
    size_t nl = strlen(name);
    memset(t, 0, sizeof *t);
    t->name = name;
    *found = 0;
    for (const char *s = strchr(d->text, '<'); s != NULL; s = strchr(s + 1, '<')) {
        if (strncmp(s + 1, name, nl) != 0) continue;
        char c = s[1 + nl];
        if (!(isspace((unsigned char)c) || c == '>' || c == '/')) continue;
        t->start = s;
        t->attr = s + 1 + nl;
        const char *e = t->attr;
        char quote = 0;
        for (; *e && (quote || *e != '>'); e++)
            if (quote ? *e == quote : (*e == '"' || *e == '\'')) quote = quote ? 0 : *e;
        if (*e != '>') return doc_error(d, s, "<%s: the tag is not terminated by '>' (truncated file?)", name);
        if (e > t->attr && e[-1] == '/') {
            t->attr_end = e - 1;
        } else {
            t->attr_end = e;
            t->body = e + 1;
            char close[96];
            snprintf(close, sizeof close, "</%s", name);
            const char *c2 = strstr(t->body, close);
            while (c2 != NULL) {
                const char *k = c2 + strlen(close);
                while (isspace((unsigned char)*k)) k++;
                if (*k == '>') break;
                c2 = strstr(c2 + 1, close);
            }
            if (c2 == NULL)
                return doc_error(d, s, "<%s> is never closed by </%s> (truncated file?)", name, name);
            t->body_end = c2;
        }
        *found = 1;
        /* A section twice: which one is meant?  (No UPF v2 section repeats.) */
        for (const char *s2 = strchr((t->body_end ? t->body_end : e) + 1, '<'); s2 != NULL; s2 = strchr(s2 + 1, '<')) {
            if (strncmp(s2 + 1, name, nl) != 0) continue;
            char c2 = s2[1 + nl]; /* within the text: the name matched */
            if (isspace((unsigned char)c2) || c2 == '>' || c2 == '/')
                return doc_error(d, s2, "<%s> appears twice (also on line %ld): give each section once", name,
                                 line_at(d, s));
        }
        return LS_OK;
    }
    return LS_OK;
}

static int require_tag(const upf_doc *d, const char *name, const char *why, upf_tag *t)
{
    int found;
    LS_TRY(find_tag(d, name, t, &found));
    if (!found)
        LS_ERROR(LS_ERR_INPUT, "%s: section <%s> is missing%s%s", d->path, name, why,
                 strstr(d->text, "</UPF>") ? "" : " (the file has no closing </UPF>: is it truncated?)");
    if (t->body == NULL) return doc_error(d, t->start, "<%s/> is empty, expected data", name);
    return LS_OK;
}

/* Attribute value, whitespace-trimmed (values may span lines); *found = 0 if absent. */
static int tag_attr(const upf_doc *d, const upf_tag *t, const char *key, char *buf, size_t n, int *found)
{
    size_t kl = strlen(key);
    *found = 0;
    for (const char *s = t->attr; s + kl <= t->attr_end; s++) {
        if (strncmp(s, key, kl) != 0 || !(s == t->attr || isspace((unsigned char)s[-1]))) continue;
        const char *e = s + kl;
        while (e < t->attr_end && isspace((unsigned char)*e)) e++;
        if (e >= t->attr_end || *e != '=') continue;
        e++;
        while (e < t->attr_end && isspace((unsigned char)*e)) e++;
        if (e >= t->attr_end || (*e != '"' && *e != '\''))
            return doc_error(d, s, "<%s>: attribute %s: expected a quoted value", t->name, key);
        char q = *e++;
        const char *v = e;
        while (e < t->attr_end && *e != q) e++;
        if (e >= t->attr_end) return doc_error(d, s, "<%s>: attribute %s: unterminated quote", t->name, key);
        while (v < e && isspace((unsigned char)*v)) v++;
        while (e > v && isspace((unsigned char)e[-1])) e--;
        size_t len = (size_t)(e - v);
        if (len >= n) return doc_error(d, s, "<%s>: attribute %s is too long", t->name, key);
        for (size_t i = 0; i < len; i++) buf[i] = isspace((unsigned char)v[i]) ? ' ' : v[i];
        buf[len] = '\0';
        *found = 1;
        return LS_OK;
    }
    return LS_OK;
}

static int attr_req(const upf_doc *d, const upf_tag *t, const char *key, char *buf, size_t n)
{
    int found;
    LS_TRY(tag_attr(d, t, key, buf, n, &found));
    if (!found) return doc_error(d, t->start, "<%s> has no attribute %s", t->name, key);
    return LS_OK;
}

static int attr_double(const upf_doc *d, const upf_tag *t, const char *key, double *v)
{
    char buf[128];
    LS_TRY(attr_req(d, t, key, buf, sizeof buf));
    if (ls_parse_double(buf, v) != 0)
        return doc_error(d, t->start, "<%s>: attribute %s=\"%s\", expected a number", t->name, key, buf);
    return LS_OK;
}

/* Integer attribute; if absent, *v = dflt when dflt_ok, else an error. */
static int attr_int(const upf_doc *d, const upf_tag *t, const char *key, int dflt_ok, int dflt, int *v)
{
    char buf[128];
    int found;
    long x;
    LS_TRY(tag_attr(d, t, key, buf, sizeof buf, &found));
    if (!found && dflt_ok) {
        *v = dflt;
        return LS_OK;
    }
    if (!found) return doc_error(d, t->start, "<%s> has no attribute %s", t->name, key);
    if (ls_parse_long(buf, &x) != 0 || x < -1000000 || x > 1000000)
        return doc_error(d, t->start, "<%s>: attribute %s=\"%s\", expected an integer", t->name, key, buf);
    *v = (int)x;
    return LS_OK;
}

int dft_upf_parse_bool(const char *s, int *v)
{
    if (!strcasecmp(s, "T") || !strcasecmp(s, ".true.") || !strcasecmp(s, "true")) *v = 1;
    else if (!strcasecmp(s, "F") || !strcasecmp(s, ".false.") || !strcasecmp(s, "false")) *v = 0;
    else return -1;
    return 0;
}

/* Boolean attribute, absent = false. */
static int attr_bool(const upf_doc *d, const upf_tag *t, const char *key, int *v)
{
    char buf[32];
    int found;
    LS_TRY(tag_attr(d, t, key, buf, sizeof buf, &found));
    *v = 0;
    if (found && dft_upf_parse_bool(buf, v) != 0)
        return doc_error(d, t->start, "<%s>: attribute %s=\"%s\", expected T or F", t->name, key, buf);
    return LS_OK;
}

/* The numbers in a tag's body: n_min..n_max of them (the rest of out[0..n_max) is zeroed). */
static int tag_values(const upf_doc *d, const upf_tag *t, int n_min, int n_max, const char *expected, double *out)
{
    int count = 0, size;
    LS_TRY(attr_int(d, t, "size", 1, -1, &size));
    for (const char *s = t->body; s < t->body_end;) {
        while (s < t->body_end && isspace((unsigned char)*s)) s++;
        if (s >= t->body_end) break;
        const char *e = s;
        while (e < t->body_end && !isspace((unsigned char)*e)) e++;
        char tok[128];
        double v;
        size_t len = (size_t)(e - s) < sizeof tok - 1 ? (size_t)(e - s) : sizeof tok - 1;
        memcpy(tok, s, len);
        tok[len] = '\0';
        if (ls_parse_double(tok, &v) != 0)
            return doc_error(d, s, "<%s>: expected a number, found '%s'", t->name, tok);
        if (count >= n_max)
            return doc_error(d, s, "<%s> has more than %d values, expected %s", t->name, n_max, expected);
        out[count++] = v;
        s = e;
    }
    if (count < n_min)
        return doc_error(d, t->body_end, "<%s> has %d values, expected %s", t->name, count, expected);
    if (size >= 0 && size != count)
        return doc_error(d, t->start, "<%s> declares size=\"%d\" but holds %d values (%s expected)", t->name, size,
                         count, expected);
    for (int i = count; i < n_max; i++) out[i] = 0.0;
    return LS_OK;
}

/* PP_SPIN_ORB of a fully relativistic file: <PP_RELBETA.i lll jjj/> for every projector and
 * <PP_RELWFC.i lchi jchi/> for every atomic wavefunction, j = l +- 1/2. */
static int read_spin_orb(const upf_doc *d, dft_pseudo *p)
{
    upf_tag t;
    char name[32];
    LS_TRY(require_tag(d, "PP_SPIN_ORB", " (has_so=\"T\")", &t));
    for (int i = 0; i < p->n_beta + p->n_chi; i++) {
        int beta = i < p->n_beta, k = beta ? i : i - p->n_beta, l, found;
        snprintf(name, sizeof name, beta ? "PP_RELBETA.%d" : "PP_RELWFC.%d", k + 1);
        LS_TRY(find_tag(d, name, &t, &found));
        if (!found) LS_ERROR(LS_ERR_INPUT, "%s: <%s> is missing from <PP_SPIN_ORB> (has_so=\"T\")", d->path, name);
        double j;
        LS_TRY(attr_int(d, &t, beta ? "lll" : "lchi", 0, 0, &l));
        LS_TRY(attr_double(d, &t, beta ? "jjj" : "jchi", &j));
        int l_file = beta ? p->beta_l[k] : p->chi_l[k];
        if (l != l_file || !(fabs(j - (l + 0.5)) < 1e-7 || (l > 0 && fabs(j - (l - 0.5)) < 1e-7)))
            return doc_error(d, t.start, "<%s>: l = %d, j = %g, expected l = %d (as in <%s.%d>) and j = l +- 1/2", name,
                             l, j, l_file, beta ? "PP_BETA" : "PP_CHI", k + 1);
        if (beta) p->beta_j[k] = j;
        else p->chi_j[k] = j;
    }
    return LS_OK;
}

int dft_pseudo_read_upf_v2(const char *path, const char *text, dft_pseudo *p)
{
    upf_doc doc = {path, text}, *d = &doc;
    upf_tag h, t;
    char buf[256], expected[64];
    int found, flag;
    LS_TRY(find_tag(d, "PP_HEADER", &h, &found));
    if (!found) LS_ERROR(LS_ERR_INPUT, "%s: section <PP_HEADER> is missing", path);
    LS_TRY(attr_req(d, &h, "element", buf, sizeof buf));
    snprintf(p->element, sizeof p->element, "%.3s", buf);
    LS_TRY(attr_req(d, &h, "pseudo_type", buf, sizeof buf));
    if (strcasecmp(buf, "NC") != 0 && strcasecmp(buf, "SL") != 0)
        LS_ERROR(LS_ERR_UNSUPPORTED, "%s:%ld: pseudo_type=\"%s\": only norm-conserving (NC, SL) potentials are supported",
                 path, line_at(d, h.start), buf);
    static const char *const unsupported[] = {"is_ultrasoft", "is_paw", "is_coulomb"};
    for (int i = 0; i < 3; i++) {
        LS_TRY(attr_bool(d, &h, unsupported[i], &flag));
        if (flag)
            LS_ERROR(LS_ERR_UNSUPPORTED, "%s:%ld: %s=\"T\" is not supported (norm-conserving potentials only)",
                     path, line_at(d, h.start), unsupported[i]);
    }
    LS_TRY(attr_bool(d, &h, "has_so", &p->has_so)); /* j of each projector: PP_SPIN_ORB below */
    LS_TRY(attr_bool(d, &h, "core_correction", &p->has_nlcc));
    LS_TRY(attr_req(d, &h, "functional", p->functional, sizeof p->functional));
    LS_TRY(attr_double(d, &h, "z_valence", &p->z_valence));
    LS_TRY(attr_int(d, &h, "l_max", 1, 0, &p->l_max));
    LS_TRY(attr_int(d, &h, "mesh_size", 0, 0, &p->n_mesh));
    LS_TRY(attr_int(d, &h, "number_of_proj", 0, 0, &p->n_beta));
    LS_TRY(dft_upf_check_header(p, "<PP_HEADER>"));
    const int n = p->n_mesh;
    snprintf(expected, sizeof expected, "mesh_size = %d", n);

    LS_TRY(dft_upf_alloc_mesh(p, n));
    LS_TRY(require_tag(d, "PP_MESH", "", &t));
    LS_TRY(require_tag(d, "PP_R", " (inside <PP_MESH>)", &t));
    LS_TRY(tag_values(d, &t, n, n, expected, p->r));
    LS_TRY(require_tag(d, "PP_RAB", " (inside <PP_MESH>)", &t));
    LS_TRY(tag_values(d, &t, n, n, expected, p->rab));
    LS_TRY(require_tag(d, "PP_LOCAL", "", &t));
    LS_TRY(tag_values(d, &t, n, n, expected, p->vloc));
    if (p->has_nlcc) {
        LS_TRY(require_tag(d, "PP_NLCC", " (core_correction=\"T\")", &t));
        LS_TRY(dft_upf_alloc_array(&p->rho_core, n));
        LS_TRY(tag_values(d, &t, n, n, expected, p->rho_core));
    }

    int kbeta[DFT_PSEUDO_MAX_BETA] = {0};
    if (p->n_beta > 0) {
        LS_TRY(require_tag(d, "PP_NONLOCAL", " (number_of_proj > 0)", &t));
        for (int ib = 0; ib < p->n_beta; ib++) {
            char name[32];
            snprintf(name, sizeof name, "PP_BETA.%d", ib + 1);
            LS_TRY(require_tag(d, name, " (inside <PP_NONLOCAL>)", &t));
            LS_TRY(attr_int(d, &t, "angular_momentum", 0, 0, &p->beta_l[ib]));
            LS_TRY(dft_upf_check_beta_l(p, ib, p->beta_l[ib], line_at(d, t.start)));
            LS_TRY(attr_int(d, &t, "cutoff_radius_index", 1, n, &kbeta[ib]));
            if (kbeta[ib] < 1 || kbeta[ib] > n)
                return doc_error(d, t.start, "<%s>: cutoff_radius_index=\"%d\", expected 1..%d (mesh_size)", name,
                                 kbeta[ib], n);
            LS_TRY(dft_upf_alloc_array(&p->beta[ib], n));
            char exp_b[80];
            snprintf(exp_b, sizeof exp_b, "cutoff_radius_index (%d) to mesh_size (%d)", kbeta[ib], n);
            LS_TRY(tag_values(d, &t, kbeta[ib], n, exp_b, p->beta[ib]));
        }
        LS_TRY(require_tag(d, "PP_DIJ", " (inside <PP_NONLOCAL>)", &t));
        double dij[DFT_PSEUDO_MAX_BETA * DFT_PSEUDO_MAX_BETA];
        int nb = p->n_beta;
        char exp_d[64];
        snprintf(exp_d, sizeof exp_d, "number_of_proj^2 = %d", nb * nb);
        LS_TRY(tag_values(d, &t, nb * nb, nb * nb, exp_d, dij));
        /* Fortran column order: value k is D(i, j) with i = k % nb, j = k / nb. */
        for (int k = 0; k < nb * nb; k++) p->dij[(k % nb) * nb + k / nb] = dij[k];
    }
    /* A projector beyond number_of_proj would be dropped silently (number_of_proj="0" with
     * projector data makes a local-only potential of a nonlocal one). */
    {
        char name[32];
        snprintf(name, sizeof name, "PP_BETA.%d", p->n_beta + 1);
        LS_TRY(find_tag(d, name, &t, &found));
        if (found)
            return doc_error(d, t.start, "<%s>: the header (line %ld) declares number_of_proj=\"%d\", but the file has "
                             "more projectors: make number_of_proj the number of <PP_BETA.i> sections", name,
                             line_at(d, h.start), p->n_beta);
    }
    /* Pseudo-atomic wavefunctions (optional): r chi(r) in PP_PSWFC/PP_CHI.i. */
    for (int ic = 0; ic < DFT_PSEUDO_MAX_BETA; ic++) {
        char name[32];
        snprintf(name, sizeof name, "PP_CHI.%d", ic + 1);
        LS_TRY(find_tag(d, name, &t, &found));
        if (!found || !t.body) break;
        LS_TRY(attr_int(d, &t, "l", 0, 0, &p->chi_l[ic]));
        if (p->chi_l[ic] < 0 || p->chi_l[ic] > 3) return doc_error(d, t.start, "<%s>: l=\"%d\", expected 0..3", name, p->chi_l[ic]);
        LS_TRY(dft_upf_alloc_array(&p->chi[ic], n));
        LS_TRY(tag_values(d, &t, n, n, expected, p->chi[ic]));
        p->n_chi = ic + 1;
    }
    if (p->has_so) LS_TRY(read_spin_orb(d, p));
    LS_TRY(find_tag(d, "PP_RHOATOM", &t, &found));
    if (found && t.body) {
        LS_TRY(dft_upf_alloc_array(&p->rho_atom, n));
        LS_TRY(tag_values(d, &t, n, n, expected, p->rho_atom));
    }
    return dft_upf_finish(p, kbeta);
}

int dft_pseudo_read_upf(const char *path, dft_pseudo **out)
{
    *out = NULL;
    dft_pseudo *p = NULL;
    char *text = NULL;
    size_t len = 0;
    int status = LS_OK;
    LS_TRY(ls_file_read_all(path, &text, &len));
    LS_TRY_GOTO(status, dft_pseudo_new(DFT_PSEUDO_UPF, path, &p), done);
    if (strstr(text, "<UPF version=") != NULL) {
        LS_TRY_GOTO(status, dft_pseudo_read_upf_v2(path, text, p), done);
    } else if (strstr(text, "<PP_HEADER>") != NULL || strstr(text, "<PP_MESH>") != NULL) {
        /* UPF v1 keeps the j of fully relativistic projectors in PP_ADDINFO, which the v1 reader
         * does not read: refused rather than taken as scalar-relativistic. */
        if (strstr(text, "<PP_ADDINFO>") != NULL)
            LS_ERROR_GOTO(status, LS_ERR_UNSUPPORTED, done,
                          "%s: a fully relativistic UPF v1 file (<PP_ADDINFO>) is not supported: convert it to UPF v2 "
                          "(Quantum ESPRESSO's upfconv.x -u)", path);
        LS_TRY_GOTO(status, dft_pseudo_read_upf_v1(path, text, p), done);
    } else {
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done,
                      "%s: not a UPF file (neither '<UPF version=' (v2) nor '<PP_HEADER>' (v1) found)", path);
    }
    *out = p;
    p = NULL;
done:
    dft_pseudo_destroy(p);
    free(text);
    return status;
}
