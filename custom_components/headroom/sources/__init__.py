"""Reading the inputs the plan needs (prices, PV forecasts, base load) from other integrations."""
