"""The public list of repeat and willful IP infringers, kept by the market regulator's credit officers."""
