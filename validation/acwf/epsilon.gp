# epsilon per system against the all-electron reference (gnuplot epsilon.gp)
set terminal svg size 640,480 dynamic font "sans,11"
set output "epsilon.svg"
set logscale y
set format y "%g"
set yrange [0.000788:3]
set xrange [-0.7:11.7]
set ylabel "epsilon vs all-electron"
set xtics rotate by -60 left nomirror
set grid ytics
set key tmargin center horizontal
set title "ACWF verification of Lodestone (PseudoDojo 0.4 trim600, PBE)"
plot "epsilon.dat" using 1:3:xtic(2) with points pt 7 ps 1.2 lc rgb "#1f77b4" title "Lodestone", \
     "epsilon.dat" using 1:($6 > 0 ? $6 : 1/0) with points pt 4 ps 1.6 lc rgb "#9467bd" title "QE, same pseudopotentials", \
     "epsilon.dat" using 1:($5 > 0 ? $5 : 1/0) with points pt 6 ps 0.9 lc rgb "#999999" title "WIEN2k vs FLEUR", \
     0.06 with lines dt 2 lc rgb "#2ca02c" title "excellent < 0.06", \
     0.2 with lines dt 2 lc rgb "#ff7f0e" title "good < 0.20", \
     1.0 with lines dt 2 lc rgb "#d62728" title "outlier > 1"
