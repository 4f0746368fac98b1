/* What the campaign needs of each element it supports.
 *
 * volume_a3: volume per atom (A^3) of the elemental solid, the starting point of each
 *   candidate's volume estimate (the cell is relaxed afterwards).  Magnetic 3d metals: the PBE
 *   equilibrium volumes of the Delta test (WIEN2k 13.1 PBE; Lejaeghere et al., Science 351,
 *   aad3000 (2016)) of their magnetic ground states (bcc Fe FM, hcp Co FM, fcc Ni FM, AFM bcc
 *   Cr, AFM Mn), as tabulated in the project's reference/magnets/elements.csv; all others: the
 *   smaller of the fcc and bcc all-electron PBE volumes of the ACWF verification set (Bosoni et
 *   al., Nat. Rev. Phys. 6, 45 (2024); aiidateam/acwf-verification-scripts, MIT licence), i.e.
 *   a close-packed metallic volume also for Si, Ge, Ga and Sn, whose covalent ground states
 *   are far less dense than their intermetallic compounds.
 * valence: outer s + d electrons of transition metals (the count of the Slater-Pauling rule,
 *   Kuebler, Theory of Itinerant Electron Magnetism (OUP 2000), ch. 7), s + p otherwise.
 * electronegativity: Pauling scale, CRC Handbook of Chemistry and Physics, 97th ed. (2016),
 *   section 9.
 * moment_mub: high-spin starting moment of a magnetic start (pw.x users' customary starts:
 *   above the converged moments, so that a high-spin solution is found where one exists).
 * reference: the elemental ground-state structure used as the reference phase
 *   (campaign/references.c); Mn: the AFM L1_0-like cell of the Delta test (alpha-Mn with 58
 *   atoms is out of reach of a screen; the simple AFM cell lies about 60-70 meV/atom above
 *   alpha-Mn in PBE (Hafner and Hobbs, Phys. Rev. B 68, 014408 (2003)), which makes Mn
 *   compounds' formation energies that much too negative: stated in docs/campaign.md);
 *   Ga: alpha-Ga (A11); Sn: alpha-Sn (diamond, the PBE ground state).
 */
#include <stddef.h>

#include "campaign/campaign_impl.h"

static const struct campaign_element k_elements[] = {
    /* z, volume_a3, valence, electronegativity, moment_mub, magnetic_3d, reference */
    {3, 20.224, 1, 0.98, 0, 0, "A2"},      /* Li */
    {12, 22.917, 2, 1.31, 0, 0, "A3"},     /* Mg */
    {13, 16.495, 3, 1.61, 0, 0, "A1"},     /* Al */
    {14, 14.482, 4, 1.90, 0, 0, "A4"},     /* Si */
    {22, 17.267, 4, 1.54, 0, 0, "A3"},     /* Ti */
    {23, 13.461, 5, 1.63, 0, 0, "A2"},     /* V */
    {24, 11.773, 6, 1.66, 3.0, 1, "B2-AFM"}, /* Cr */
    {25, 11.447, 7, 1.55, 4.0, 1, "L10-AFM"}, /* Mn */
    {26, 11.344, 8, 1.83, 3.0, 1, "A2"},   /* Fe */
    {27, 10.864, 9, 1.88, 2.0, 1, "A3"},   /* Co */
    {28, 10.891, 10, 1.91, 1.0, 1, "A1"},  /* Ni */
    {29, 11.952, 11, 1.90, 0, 0, "A1"},    /* Cu */
    {30, 15.162, 12, 1.65, 0, 0, "A3"},    /* Zn */
    {31, 18.947, 3, 1.81, 0, 0, "A11"},    /* Ga */
    {32, 19.269, 4, 2.01, 0, 0, "A4"},     /* Ge */
    {40, 22.845, 4, 1.33, 0, 0, "A3"},     /* Zr */
    {41, 18.142, 5, 1.60, 0, 0, "A2"},     /* Nb */
    {42, 15.793, 6, 2.16, 0, 0, "A2"},     /* Mo */
    {50, 27.647, 4, 1.96, 0, 0, "A4"},     /* Sn */
    {78, 15.656, 10, 2.28, 0, 0, "A1"},    /* Pt */
};

const struct campaign_element *campaign_element_get(int z)
{
    for (size_t i = 0; i < sizeof k_elements / sizeof k_elements[0]; i++)
        if (k_elements[i].z == z) return &k_elements[i];
    return NULL;
}

int campaign_is_rare_earth(int z)
{
    return z == 21 || z == 39 || (z >= 57 && z <= 71);
}
