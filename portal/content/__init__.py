"""The portal's clinical content for every linked record: documents, appointments and booking,
treatment plans, smart forms. Every view asks access_control.policy on every request."""
