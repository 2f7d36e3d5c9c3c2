// City
