"""What of a query's result may reach a model or a transcript: output columns traced to source columns,
and the ones carrying personal data masked."""
