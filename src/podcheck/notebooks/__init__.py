"""What the playbook notebooks call: `display` opens a unit and shows headlines, `tables` gives DataFrames."""
