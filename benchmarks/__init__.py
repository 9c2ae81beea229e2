"""Cost benchmarks for the Adagrad collection (issue 7): ``python -m benchmarks.run``.

Every figure is a ratio of two measurements taken in the same run, interleaved round by round,
with repeats and medians, because the machine is shared and noisy.  One module per question:

=======================  ===================================================================
module                   what it measures
=======================  ===================================================================
``harness``              interleaved timing, paired ratios, goals, the machine's description
``epoch_time``           1. from-scratch Adagrad against ``torch.optim.Adagrad``, sec/epoch
``step_share``           2. Adagrad against SGD: the step's share of an iteration
``sparse_embedding``     3. sparse against dense embedding gradients, V = 10^4 .. 10^6
``update_bandwidth``     4. one update on 1M-50M parameters against the copy bandwidth
``explorer_latency``     5. each slider explorer's update against one bare redraw
``full_matrix``          6. full-matrix against diagonal Adagrad as d grows
``report``               RESULTS.md, the stored numbers and the plots
``run``                  the command line
=======================  ===================================================================
"""
