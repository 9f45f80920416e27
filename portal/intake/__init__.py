"""Opening a case: a need reported by the employee, their supervisor or a case manager, triaged into cases."""
