# Posterior draws of the total from R's LCMCR (Manrique-Vallier), for the
# benchmarks that hold our latent-class sampler beside it.
# Usage: Rscript lcmcr.R TABLE.csv K BURN_IN SAMPLES THINNING SEED [CHAINS]
# TABLE.csv: one 0/1 column per list and a count column last.
# Prints "chain,N" lines, then "seconds,<time>" for the sampling alone.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(LCMCR))
table <- read.csv(args[1], check.names = FALSE)
K <- as.integer(args[2]); burnin <- as.integer(args[3])
samples <- as.integer(args[4]); thinning <- as.integer(args[5])
seed <- as.integer(args[6]); chains <- if (length(args) >= 7) as.integer(args[7]) else 1L
lists <- ncol(table) - 1
counts <- table[[lists + 1]]
cells <- table[counts > 0, seq_len(lists), drop = FALSE]
counts <- counts[counts > 0]
frame <- as.data.frame(lapply(cells, function(x) factor(x, levels = c(0, 1))))
frame$Freq <- counts
cat("chain,N\n")
took <- 0
for (chain in seq_len(chains)) {
  began <- proc.time()[["elapsed"]]
  sampler <- lcmCR(frame, tabular = TRUE, in_list_label = "1", not_in_list_label = "0",
                   K = K, a_alpha = 0.25, b_alpha = 0.25, seed = seed + chain - 1,
                   verbose = FALSE)
  N <- lcmCR_PostSampl(sampler, burnin = burnin, samples = samples,
                       thinning = thinning, output = FALSE)
  took <- took + proc.time()[["elapsed"]] - began
  cat(paste(chain, N, sep = ",", collapse = "\n"), "\n", sep = "")
}
cat("seconds,", took, "\n", sep = "")
