"""Pages of the investment project agency (招商项目代办), one module per area."""
