"""`starter sweep`: many runs of one training command (seeds x settings) fanned out on the
engines labs already use (local cores, Slurm through submitit, Ray) and gathered, each once,
into the results log of the machine that submitted them."""
