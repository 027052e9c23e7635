// placeholder: conflict table tests arrive here
